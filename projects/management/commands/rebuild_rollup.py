"""Make the roll-ups (`projects/rollups.py`: the portfolio's and the dashboard's years, sizes
and rates) anew from the projects.

The triggers keep them in step with every write, so this is for repair: after
`check_invariants` reports `rollup_matches_projects`, a restore that skipped triggers, or a
change of their rules.
"""

from django.core.management.base import BaseCommand

from projects import caching, rollups


class Command(BaseCommand):
    help = "Rebuild the roll-ups from the projects (status as of today)."

    def handle(self, *args, **options):
        rows = rollups.rebuild()
        caching.invalidate()
        made = ", ".join(f"{name} {count} rows" for name, count in rows.items())
        self.stdout.write(self.style.SUCCESS(f"Roll-ups rebuilt: {made}."))
