"""Project-bank pages for the parser tests: the seed files, and pages built from label/value
pairs in the site's text shape."""

from pathlib import Path

from projects.importers.projectbank import ParseResult, parse_bytes, parse_path
from projects.importers.records import ProjectPage, Rejection

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "projectbank"
DATA = Path(__file__).resolve().parent / "data" / "projectbank"
SEED_2014 = SEEDS / "001_1edcad09a78b9a57.txt"
SEED_ESF_PLUS = SEEDS / "002_03dc92fa27c0c321.txt"
SEED_WITH_GOAL = SEEDS / "003_bd4f60a2f63cc788.txt"
NEWS = SEEDS.parent / "news"
NEWS_ITEMS = [NEWS / "000_dc4018ebfd2e4e16.txt", NEWS / "004_6ef21ffb7d31aa7b.txt"]

TITLE = "2020/00152 - Fortsatt SLA"
DESCRIPTION = "Projektet ska leda till arbete.\n\nAndra stycket."
FIELDS_2014 = [
    ("Diarienummer", "2020/00152"),
    ("Namn", "Fortsatt SLA"),
    ("Projektnummer", "2020/00152"),
    ("Projektägare", "Kommunförbundet Kalmar län, Arbetsmarknad"),
    ("Region", "Småland & Öarna"),
    ("Planerat antal deltagare", "446"),
    ("Projektperiod", "2020-08-17 - 2022-12-31"),
    ("Total projektbudget", "36 619 373"),
    ("Beviljat ESF-stöd", "17 207 538"),
    ("Kontaktperson", "Matilda Svensson"),
    ("E-post", "matilda.svensson@kfkl.se"),
    ("Stödmottagare postnr", "39127"),
    ("Programområde", "2"),
    ("Specifikt mål", "2.3"),
    ("Unionens medfinansieringsgrad", "50%"),
    ("Interventionstyp", "109"),
]
FIELDS_ESF_PLUS = [
    ("Land som berörs", "Sverige"),
    ("Berörd fond", "ESF+"),
    ("Program CCI", "2021SE05SFPR"),
    ("Diarienummer", "22-005-S01"),
    ("Projektägare organisationsnummer", "802518-5011"),
    ("Projektägare", "KOMMUNFÖRBUNDET KALMAR LÄN"),
    ("Namn", "SIA"),
    ("Startdatum", "2023-02-01"),
    ("Slutdatum", "2026-01-31"),
    ("Unionens medfinansieringsgrad", "40%"),
    ("Antal deltagare", "584"),
    ("Projektnummer", "22-005-S01"),
]


def page_text(fields, *, title=None, description=DESCRIPTION) -> str:
    """A page in the site's text shape: title, blank line, "Label:"/value lines, description.

    Without an explicit title, the title line is "Diarienummer - Namn" as on the site.
    """
    if title is None:
        values = dict(fields)
        title = f"{values['Diarienummer']} - {values['Namn']}"
    lines = [title, ""] if title else []
    for label, value in fields:
        lines.append(f"{label}:")
        if value:
            lines.append(value)
    return "\n".join(lines) + "\n\n" + description


def parse_fields(fields, **kwargs) -> ParseResult:
    return parse_bytes(page_text(fields, **kwargs).encode("utf-8"), source="test.txt")


def with_value(fields, label: str, value: str):
    return [(name, value if name == label else old) for name, old in fields]


def value_line(fields, label: str) -> int:
    """1-based line of the label's value in `page_text(fields)` (all values non-empty)."""
    index = [name for name, _ in fields].index(label)
    return 3 + 2 * index + 1


def parsed_page(fields, **kwargs) -> ProjectPage:
    result = parse_fields(fields, **kwargs)
    assert result.rejections == []
    assert result.skipped is None
    assert result.page is not None
    return result.page


def single_rejection(fields, **kwargs) -> Rejection:
    result = parse_fields(fields, **kwargs)
    assert result.page is None
    assert result.skipped is None
    assert len(result.rejections) == 1, result.rejections
    return result.rejections[0]


def parse_file(path: Path) -> ParseResult:
    [result] = parse_path(path)
    return result


def page_of(path: Path) -> ProjectPage:
    result = parse_file(path)
    assert result.rejections == []
    assert result.skipped is None
    assert result.page is not None
    return result.page
