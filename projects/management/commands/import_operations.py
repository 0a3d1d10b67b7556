from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects.importers import operations_csv, save

from .import_projectbank import add_common_arguments, finish


class Command(BaseCommand):
    help = (
        "Import the ESF council's list of operations (CSV, UTF-8 or Windows-1252, ';' or ','; "
        "bilingual headers). Idempotent; exits 1 when a row was rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="CSV files or directories")
        add_common_arguments(parser)

    def handle(self, *args, paths: list[Path], strict: bool, report: Path | None, **options):
        self.verbosity = options["verbosity"]
        files = []
        for path in paths:
            try:
                files.extend(operations_csv.parse_path(path))
            except FileNotFoundError:
                raise CommandError(f"No such file or directory: {path}") from None
        finish(self, save.import_operations(files, strict=strict), report_path=report)
