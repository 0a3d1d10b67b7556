from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects.importers import projectbank, save
from projects.importers.report import ImportReport


class Command(BaseCommand):
    help = (
        "Import project-bank pages (text or saved HTML; files or directories) into the registry. "
        "Idempotent: a second run of the same pages changes nothing. Exits 1 when a page was "
        "rejected; skipped pages (news items, empty files) do not count."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="page files or directories")
        add_common_arguments(parser)

    def handle(self, *args, paths: list[Path], strict: bool, report: Path | None, **options):
        self.verbosity = options["verbosity"]
        results = []
        for path in paths:
            try:
                results.extend(projectbank.parse_path(path))
            except FileNotFoundError:
                raise CommandError(f"No such file or directory: {path}") from None
        finish(self, save.import_pages(results, strict=strict), report_path=report)


def add_common_arguments(parser) -> None:
    parser.add_argument(
        "--strict",
        action="store_true",
        help="roll back the whole run when any record is rejected",
    )
    parser.add_argument("--report", type=Path, metavar="FILE", help="write a JSON report")


def finish(command: BaseCommand, report: ImportReport, *, report_path: Path | None) -> None:
    """Print the summary table and the problems, write the JSON report, fail on rejections."""
    if report_path:
        report.write_json(report_path)
    if command.verbosity >= 1:
        for line in report.text_lines():
            command.stdout.write(line)
    summary = report.summary()
    if report.rejected:
        raise CommandError(summary, returncode=1)
    command.stdout.write(command.style.SUCCESS(summary))
