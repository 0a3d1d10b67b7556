from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects.importers import cli, news, proposals


class Command(BaseCommand):
    help = (
        "Read news texts and press releases of decisions (text or saved HTML; files or "
        "directories) and store the decisions they announce as proposals for a caseworker to "
        "accept or reject in the admin. Nothing in the registry changes. A text imported before "
        "(the same words) proposes nothing new. Exit code 1 when a file could not be read or "
        "another import is running."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="news files or directories")

    def handle(self, *args, paths: list[Path], **options):
        results = cli.parse_paths(paths, news.parse_path)
        report = proposals.import_news(results)
        if options["verbosity"] >= 1:
            for line in report.text_lines():
                self.stdout.write(line)
        if report.busy:
            raise CommandError("another import is running; try again in a moment", returncode=1)
        if report.failed:
            raise CommandError(report.summary(), returncode=1)
        self.stdout.write(self.style.SUCCESS(report.summary()))
