from pathlib import Path

from django.core.management.base import BaseCommand

from projects.importers import cli, projectbank, save


class Command(BaseCommand):
    help = (
        "Import project-bank pages (text or saved HTML, UTF-8, UTF-16 or Windows-1252; files or "
        "directories) into the registry. Idempotent: a second run of the same pages changes "
        "nothing. A text that is not a project page (a news item in the folder) is skipped and "
        "reported without failing the run; a file that cannot be read fails it. " + cli.OUTCOME_HELP
    )

    def add_arguments(self, parser):
        cli.add_arguments(parser, paths_help="page files or directories")

    def handle(self, *args, paths: list[Path], partial: bool, report: Path | None, **options):
        self.verbosity = options["verbosity"]
        results = cli.parse_paths(paths, projectbank.parse_path)
        outcome = save.import_pages(
            results, partial=partial, prefer_source=options["prefer_source"]
        )
        cli.finish(self, outcome, report_path=report)
