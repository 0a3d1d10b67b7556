"""What the import commands share: their options, reading the paths given, printing the report.

`import_projectbank` and `import_operations` differ only in the parser and the saver they call;
both take the same options and print and exit the same way.
"""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from django.core.management.base import BaseCommand, CommandError

from .report import ImportReport

OUTCOME_HELP = (
    "All or nothing by default: when any record is rejected or any file cannot be read, nothing "
    "is saved, the summary says so and every rejected record is listed with its reason; "
    "--partial saves the records that pass. Only one import runs at a time; a second one is "
    "refused. Figures that differ from decisions a caseworker entered since the project's last "
    "import are a conflict: the project is left unchanged and reported, unless --prefer-source "
    "records the source's figures. Exit code 1 when a record was rejected, a file could not be "
    "read (empty, binary, too large, undecodable) or the run was refused; 0 otherwise."
)

T = TypeVar("T")


def add_arguments(parser, *, paths_help: str) -> None:
    """The paths to import and the options every import command takes."""
    parser.add_argument("paths", nargs="+", type=Path, help=paths_help)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--partial",
        action="store_true",
        help="save the records that pass even when others are rejected (default: save nothing)",
    )
    mode.add_argument(
        "--strict",
        action="store_true",
        help="all or nothing; this is the default, the option is kept for older scripts",
    )
    parser.add_argument(
        "--prefer-source",
        action="store_true",
        help="where the source's figures disagree with decisions entered by hand since the last "
        "import, record the source's (a snapshot naming the decisions it supersedes); by default "
        "such a project is left unchanged and reported as a conflict",
    )
    parser.add_argument("--report", type=Path, metavar="FILE", help="write a JSON report")


def parse_paths(paths: Iterable[Path], parse_path: Callable[[Path], list[T]]) -> list[T]:
    """Every path parsed in turn; a missing one stops the command before anything is saved."""
    parsed: list[T] = []
    for path in paths:
        try:
            parsed.extend(parse_path(path))
        except FileNotFoundError:
            raise CommandError(f"No such file or directory: {path}") from None
    return parsed


def finish(command: BaseCommand, report: ImportReport, *, report_path: Path | None) -> None:
    """Print the summary table and the problems, write the JSON report, fail on any problem."""
    if report_path:
        report.write_json(report_path)
    if command.verbosity >= 1:
        for line in report.text_lines():
            command.stdout.write(line)
    summary = report.summary()
    if report.failed:
        raise CommandError(summary, returncode=1)
    command.stdout.write(command.style.SUCCESS(summary))
