"""Make the portfolio roll-up (`projects/rollups.py`) anew from the projects.

The triggers keep it in step with every write, so this is for repair: after `check_invariants`
reports `rollup_matches_projects`, a restore that skipped triggers, or a change of its rules.
"""

from django.core.management.base import BaseCommand

from projects import caching, rollups


class Command(BaseCommand):
    help = "Rebuild the portfolio roll-up from the projects (status as of today)."

    def handle(self, *args, **options):
        rows = rollups.rebuild()
        caching.invalidate()
        self.stdout.write(self.style.SUCCESS(f"Portfolio roll-up rebuilt: {rows} rows."))
