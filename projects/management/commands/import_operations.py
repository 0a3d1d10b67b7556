from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects.importers import operations_csv, save

from .import_projectbank import OUTCOME_HELP, add_common_arguments, finish


class Command(BaseCommand):
    help = (
        "Import the ESF council's list of operations (CSV: UTF-8, UTF-16 such as Excel's "
        "'Unicode text', or Windows-1252; ';', ',' or tab; bilingual headers). Idempotent. "
        + OUTCOME_HELP
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="CSV files or directories")
        add_common_arguments(parser)

    def handle(self, *args, paths: list[Path], partial: bool, report: Path | None, **options):
        self.verbosity = options["verbosity"]
        files = []
        for path in paths:
            try:
                files.extend(operations_csv.parse_path(path))
            except FileNotFoundError:
                raise CommandError(f"No such file or directory: {path}") from None
        finish(
            self,
            save.import_operations(files, partial=partial, prefer_source=options["prefer_source"]),
            report_path=report,
        )
