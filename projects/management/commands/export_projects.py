import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from projects.exports import limits
from projects.exports.csv import csv_chunks
from projects.exports.export import Export
from projects.exports.json import json_chunks
from projects.exports.xlsx import write_xlsx


class Command(BaseCommand):
    help = (
        "Write the projects of a filter as CSV, JSON or XLSX: the same files as "
        "/projects/export.csv|json|xlsx with the same parameters, for scheduled exports."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "json", "xlsx"], default="csv")
        parser.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="a filter of /projects/, repeatable: --filter region=SE21 --filter status=ongoing",
        )
        parser.add_argument(
            "--query",
            default="",
            metavar="QUERY_STRING",
            help='filters as in the address: --query "region=SE21&status=ongoing&sort=-grant"',
        )
        parser.add_argument("--lang", choices=["sv", "en"], default="sv", help="default sv")
        parser.add_argument("--headers", choices=["both"], help="bilingual headers")
        parser.add_argument(
            "--sep",
            choices=["comma", "semicolon"],
            default="comma",
            help="CSV: semicolon gives ';' and a decimal comma (Swedish Excel)",
        )
        parser.add_argument("-o", "--output", default="-", help="file (default: standard output)")
        parser.add_argument(
            "--base-url",
            default="",
            help="scheme and host for the project-page column, e.g. https://esf.example.se "
            "(without it the column holds the path)",
        )

    def handle(self, *args, format: str, filter: list[str], query: str, output: str, **options):
        params = QueryDict(query, mutable=True)
        for item in filter:
            name, equals, value = item.partition("=")
            if not equals or not name:
                raise CommandError(f"--filter wants NAME=VALUE, got {item!r}")
            params.appendlist(name, value)
        params["lang"] = options["lang"]
        params["sep"] = options["sep"]
        if options["headers"]:
            params["headers"] = options["headers"]
        export = Export(params, base_url=options["base_url"], default_lang=options["lang"])
        for problem in export.problems():
            self.stderr.write(f"Ignored: {problem}")

        count = export.count()
        if format == "xlsx" and count > limits.XLSX_ROW_LIMIT:
            raise CommandError(
                f"{count} projects is more than the XLSX limit of {limits.XLSX_ROW_LIMIT}; "
                "use --format csv or a narrower filter."
            )
        started = time.perf_counter()
        file = sys.stdout.buffer if output == "-" else open(output, "wb")  # noqa: SIM115
        try:
            if format == "xlsx":
                write_xlsx(export, file, count=count)
            else:
                chunks = csv_chunks if format == "csv" else json_chunks
                for chunk in chunks(export):
                    file.write(chunk)
        finally:
            if file is not sys.stdout.buffer:
                file.close()
        seconds = time.perf_counter() - started
        where = "standard output" if output == "-" else output
        self.stderr.write(f"{count} projects written to {where} as {format} in {seconds:.1f} s.")
