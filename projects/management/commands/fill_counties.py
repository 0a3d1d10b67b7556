"""Fill in the county (and a missing region) of the projects already in the registry."""

from django.core.management.base import BaseCommand

from projects.services import places


class Command(BaseCommand):
    help = (
        "Give projects without a county (län) the county of their postcode or city, and those "
        "without a region the county's region. Projects with a county are left alone."
    )

    def handle(self, *args, **options) -> None:
        result = places.fill_counties()
        found = ", ".join(f"{n} from {how}" for how, n in result.counties.items()) or "none"
        self.stdout.write(
            f"Counties: {found}; {result.derived_regions} regions derived from the county; "
            f"{len(result.unplaced)} not placed"
        )
        for diary_number in result.unplaced[:100]:
            self.stdout.write(f"  not placed: {diary_number}")
