from django.core.management.base import BaseCommand, CommandError

from projects import dump


class Command(BaseCommand):
    help = (
        "Write the whole registry to DIR, to republish it: projects, decisions, organisations "
        "and the code lists as CSV, and datapackage.json (a Frictionless Data Package) that "
        "describes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="created if missing")
        parser.add_argument(
            "--lang", choices=["sv", "en"], default="en", help="headers; default en"
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="scheme and host for the project-page columns, e.g. https://esf.example.se",
        )

    def handle(self, *args, directory: str, lang: str, base_url: str, **options):
        try:
            written = dump.write(directory, english=lang == "en", base_url=base_url.rstrip("/"))
        except OSError as error:
            raise CommandError(f"Could not write to {directory}: {error}") from error
        for resource in written:
            self.stdout.write(f"{resource['path']}: {resource['rows']} rows")
        self.stdout.write(f"{directory}/datapackage.json")
