from pathlib import Path

from django.core.management.base import BaseCommand

from projects.importers import cli, operations_csv, save


class Command(BaseCommand):
    help = (
        "Import the ESF council's list of operations (CSV: UTF-8, UTF-16 such as Excel's "
        "'Unicode text', or Windows-1252; ';', ',' or tab; bilingual headers). Idempotent. "
        + cli.OUTCOME_HELP
    )

    def add_arguments(self, parser):
        cli.add_arguments(parser, paths_help="CSV files or directories")

    def handle(self, *args, paths: list[Path], partial: bool, report: Path | None, **options):
        self.verbosity = options["verbosity"]
        files = cli.parse_paths(paths, operations_csv.parse_path)
        outcome = save.import_operations(
            files, partial=partial, prefer_source=options["prefer_source"]
        )
        cli.finish(self, outcome, report_path=report)
