"""Parser for project pages from ESF-rådet's projektbank (2007–2013, 2014–2020, ESF+ 2021–2027).

A project page, as text, looks like this::

    2020/00152 - Fortsatt SLA          <- title line "DIARY - Name"

    Diarienummer:                      <- "Label:" line ...
    2020/00152                         <- ... then the value on the next line(s)
    ...
    Interventionstyp:
    109

    Free-text description ...          <- paragraphs after the field block

A 2007–2013 page has no diary number and no title line: its heading is the project's name, its
fields are Programområde ("Programområde 1 Kompetensförsörjning"), Projektfas, Projektägare,
Kontaktperson, E-post, Telefonnummer, Beviljat ESF-stöd, Total projektbudget, Projektperiod
("2009-03-01 till 2011-12-31") and Region, and "Sammanfattning" and other headed sections follow.
Its Projektfas label marks the shape; the page's own address (a saved page's canonical link)
identifies the project, so such a page without one is rejected.

Bytes become text in `text.py` (encodings; saved HTML pages rendered to the same text shape);
the labels are those `fields.py` declares, and each value is read by `values.py`. A file above
`MAX_PAGE_BYTES` is refused unread. The parser relies only on that structure, never on the
values of particular pages, so that it works on any page of the two formats. It needs no
database or settings, so it can run in scripts, tests and management commands.

Nothing is guessed: a value that cannot be read is a `Rejection` (the record must not be saved),
a doubtful one is a warning, and labels the parser does not know are kept in `unknown_labels`.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from projects.validators import normalise_source_url

from . import fields, values
from .participant_goal import participant_goal
from .records import MAX_VALUE_CHARS, ProjectPage, Rejection
from .text import (
    HtmlTooDeep,
    Unreadable,
    decode,
    looks_like_html,
    parse_html,
    soup_to_text,
    source_files,
)
from .values import PERIOD_2007, PERIOD_2014, PERIOD_2021, InvalidValue

SUFFIXES = (".txt", ".html", ".htm")
"""File name endings that `parse_path` picks up when it walks a directory."""

MAX_URL_CHARS = 500
MAX_LABEL_CHARS = 60
"""A "Label:" line is shorter than this; longer lines ending in ":" are description text."""

MAX_PAGE_BYTES = 5 * 1024 * 1024
"""A project page is some tens of kB; a larger file is refused without being read."""

SKIP_NOT_PROJECT = "Inte en projektsida: inga fält som Diarienummer/Projektnummer hittades."
SKIP_NO_TEXT = "Filen innehåller ingen läsbar text."
SKIP_TOO_LARGE = (
    "Filen är {size}; större filer än {limit} läses inte (en projektsida är några tiotal kB)."
)


@dataclass
class ParseResult:
    """Outcome for one file: a page, a reason to skip it, or the rejections that stop it."""

    source: str
    page: ProjectPage | None
    skipped: str | None
    rejections: list[Rejection]


# --- Labels ---------------------------------------------------------------------------------

# Field key -> the labels pages use for it: the record attributes `fields.py` gives page
# labels, and the 2014–2020 pages' project period.
PROJECT_PERIOD = "project_period"
_FIELD_LABELS: dict[str, tuple[str, ...]] = {
    **{field.attribute: field.page_labels for field in fields.FIELDS if field.page_labels},
    PROJECT_PERIOD: fields.PERIOD_LABELS,
}
# Fields this module reads itself; the others are read by their `fields.py` reading.
_OWN_FIELDS = frozenset(
    {"diary_number", "name", "owner_name", "start_date", "end_date", "total_budget", "esf_grant"}
)
_FIELD_READINGS = tuple(
    field for field in fields.FIELDS if field.page_labels and field.attribute not in _OWN_FIELDS
)

# Labels that also occur outside project pages (news items, contact boxes); on their own they
# do not make a document a project page.
_GENERIC_FIELDS = frozenset(
    {"name", "region_name", "contact_name", "contact_email", "contact_phone"}
)
_IDENTIFYING_FIELDS = frozenset(_FIELD_LABELS) - _GENERIC_FIELDS

_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})


def _label_key(label: str) -> str:
    """Comparable form of a label: case, colon, spacing and dash kind do not matter."""
    text = " ".join(label.translate(_DASHES).split()).rstrip(":").strip()
    return re.sub(r"\s*-\s*", "-", text).casefold()


_FIELD_BY_KEY = {
    _label_key(label): field_id for field_id, labels in _FIELD_LABELS.items() for label in labels
}
# A page's Diarienummer entries are read before its Projektnummer ones; the first number read is
# the one the others must match.
_DIARY_LABEL_ORDER = {
    _label_key(label): index for index, label in enumerate(_FIELD_LABELS["diary_number"])
}
_ESF_PLUS_KEYS = frozenset(
    _label_key(label)
    for field_id in (
        "country",
        "fund",
        "programme_cci",
        "start_date",
        "end_date",
        "nuts_code",
        "org_number",
        "child_poverty_theme",
        "strategic_importance",
    )
    for label in _FIELD_LABELS[field_id]
)
_ESF_2007_KEYS = frozenset(_label_key(label) for label in _FIELD_LABELS["phase"])
_ESF_2014_KEYS = frozenset(
    _label_key(label)
    for label in ("Projektperiod", "Beviljat ESF-stöd", "Planerat antal deltagare")
)


# --- Reading the file -----------------------------------------------------------------------


def too_large_reason(size: int) -> str:
    return SKIP_TOO_LARGE.format(size=_megabytes(size), limit=_megabytes(MAX_PAGE_BYTES))


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


PROJECT_BANK_HOSTS = frozenset({"www.esf.se", "esf.se"})
"""A saved page's own address is kept only when it is the project bank's (the ESF council's
site): every project page links it as "Källa", so another host would be a link to anywhere."""


def _canonical_url(soup: BeautifulSoup) -> tuple[str, str | None]:
    """The address a saved page names for itself (<link rel=canonical>, else og:url) when it is
    on the project bank's host, and a warning when the page names another one."""
    candidates = [
        tag.get("href")
        for tag in soup.find_all("link", href=True)
        if "canonical" in [rel.casefold() for rel in tag.get("rel") or []]
    ] + [tag.get("content") for tag in soup.find_all("meta", property="og:url", content=True)]
    refused = None
    for url in candidates:
        url = (url or "").strip()
        if not re.fullmatch(r"https?://[^\s/]+\S*", url) or len(url) > MAX_URL_CHARS:
            continue
        parts = urlsplit(url)
        if parts.scheme == "https" and (parts.hostname or "") in PROJECT_BANK_HOSTS:
            return url, None
        refused = refused or url
    if refused:
        shown = refused[:MAX_VALUE_CHARS]
        return (
            "",
            f"Sidans egen adress {shown} ligger inte i projektbanken (esf.se); den sparades inte.",
        )
    return "", None


# --- Layout: preamble, field block, description ---------------------------------------------


@dataclass(frozen=True)
class _Line:
    number: int
    text: str


@dataclass
class _Entry:
    """One "Label:" with the lines of its value."""

    label: str
    line: int
    values: list[_Line]

    @property
    def key(self) -> str:
        return _label_key(self.label)

    @property
    def value(self) -> str:
        return " ".join(" ".join(line.text for line in self.values).split())

    @property
    def value_line(self) -> int:
        return self.values[0].number if self.values else self.line


@dataclass
class _Layout:
    preamble: list[_Line]
    entries: list[_Entry]
    description: list[_Line]


_INLINE_LABEL_RE = re.compile(rf"([^:]{{1,{MAX_LABEL_CHARS}}}):\s*(.+)")


def _label_of(text: str) -> tuple[str, str | None] | None:
    """(label, inline value) when the line is a label, else None.

    A label line is short, ends with ":" and starts with a letter or digit. "Label: value" on
    one line (as HTML with inline <span>s renders) counts only for labels the parser knows, so
    that description sentences with a colon never become fields.
    """
    if text.endswith(":") and len(text) < MAX_LABEL_CHARS:
        label = text[:-1].strip()
        if label and label[0].isalnum() and re.search(r"[^\W\d_]", label):
            return label, None
    inline = _INLINE_LABEL_RE.fullmatch(text)
    if inline and _label_key(inline[1]) in _FIELD_BY_KEY:
        return inline[1].strip(), inline[2].strip()
    return None


def _split_layout(text: str) -> _Layout:
    lines = [_Line(number, line.strip()) for number, line in enumerate(text.splitlines(), 1)]
    start = next((i for i, line in enumerate(lines) if _label_of(line.text)), None)
    if start is None:
        return _Layout([line for line in lines if line.text], [], [])
    entries, end = _read_field_block(lines, start)
    return _Layout([line for line in lines[:start] if line.text], entries, lines[end:])


def _read_field_block(lines: list[_Line], start: int) -> tuple[list[_Entry], int]:
    """Entries from `start` on, and the index where the description begins.

    The block ends at the first blank line that is followed by a line that is not a label;
    blank lines between labels (e.g. between two HTML <dl> boxes) do not end it.
    """
    entries: list[_Entry] = []
    index = start
    while index < len(lines):
        line = lines[index]
        if not line.text:
            following = next((i for i in range(index, len(lines)) if lines[i].text), len(lines))
            if following == len(lines) or _label_of(lines[following].text) is None:
                return entries, following
            index = following
            continue
        found = _label_of(line.text)
        if found:
            label, inline = found
            lines_of_value = [_Line(line.number, inline)] if inline else []
            entries.append(_Entry(label, line.number, lines_of_value))
        else:
            entries[-1].values.append(line)
        index += 1
    return entries, len(lines)


# --- Owner ---------------------------------------------------------------------------------


def split_owner(text: str) -> tuple[str, str]:
    """Split 2014–2020 "Projektägare" text "Organisation, unit" into (organisation, unit).

    The split is at the FIRST ", ": organisation names practically never contain a comma, while
    unit names often do ("Malmö stad, Arbetsmarknads-, gymnasie- och
    vuxenutbildningsförvaltningen"), so splitting at the last comma would cut units apart.
    When the page repeats the organisation as its unit ("X, X", compared ignoring case and
    spacing) there is no unit. Text without ", " is all organisation.
    """
    for match in re.finditer(", ", text):
        left, right = text[: match.start()], text[match.end() :]
        if _same_text(left, right):
            return left.strip(), ""
    organisation, _, unit = text.partition(", ")
    return organisation.strip(), unit.strip()


def _same_text(left: str, right: str) -> bool:
    return " ".join(left.split()).casefold() == " ".join(right.split()).casefold()


# --- Description ------------------------------------------------------------------------------

SUMMARY_HEADING = "Sammanfattning"
_BOILERPLATE_RE = re.compile(r"skriv ut|senast uppdaterad\b.*", re.IGNORECASE)


def _description(lines: list[_Line]) -> str:
    """Paragraphs joined by a blank line, line breaks inside a paragraph kept, spaces tidied."""
    texts = [" ".join(line.text.split()) for line in lines]
    while texts and (not texts[-1] or _BOILERPLATE_RE.fullmatch(texts[-1])):
        texts.pop()
    paragraphs = [p.strip("\n") for p in "\n".join(texts).split("\n\n") if p.strip()]
    # A heading that only names the description ("Sammanfattning", 2007–2013 pages) is not
    # part of it; the later sections' headings are kept as their own paragraphs.
    if paragraphs and paragraphs[0].casefold() == SUMMARY_HEADING.casefold():
        paragraphs.pop(0)
    return "\n\n".join(paragraphs)


# --- Building the page ------------------------------------------------------------------------

T = TypeVar("T")


class _Reader:
    """Typed access to the field entries, collecting rejections and warnings on the way."""

    def __init__(self, source: str, entries: list[_Entry]) -> None:
        self.source = source
        self.rejections: list[Rejection] = []
        self.warnings: list[str] = []
        self.unknown: dict[str, str] = {}
        self.by_field: dict[str, list[_Entry]] = {}
        for entry in entries:
            if not entry.value:
                self.warnings.append(f"Fältet '{entry.label}' saknar värde.")
            if len(entry.values) > 1:
                self.warnings.append(
                    f"Fältet '{entry.label}' har ett värde på flera rader; raderna slogs ihop."
                )
            field_id = _FIELD_BY_KEY.get(entry.key)
            if field_id is None:
                self._keep_unknown(entry)
            else:
                self.by_field.setdefault(field_id, []).append(entry)
        self._warn_about_duplicates()

    def _keep_unknown(self, entry: _Entry) -> None:
        known = self.unknown.setdefault(entry.label, entry.value)
        if known != entry.value:
            self.warnings.append(_duplicate_warning(entry.label, known))

    def _warn_about_duplicates(self) -> None:
        """Repeated labels: the first value is used. Diary numbers are checked strictly later."""
        for field_id, entries in self.by_field.items():
            stated = {entry.value for entry in entries if entry.value}
            if field_id != "diary_number" and len(stated) > 1:
                used = next(entry for entry in entries if entry.value)
                self.warnings.append(_duplicate_warning(used.label, used.value))

    def has(self, field_id: str) -> bool:
        return field_id in self.by_field

    def entry(self, field_id: str) -> _Entry | None:
        """The first entry with a value (an empty repeat does not hide a filled one)."""
        entries = self.by_field.get(field_id, [])
        return next((entry for entry in entries if entry.value), entries[0] if entries else None)

    def text(self, field_id: str) -> str:
        entry = self.entry(field_id)
        return entry.value if entry else ""

    def optional_text(self, field_id: str) -> str | None:
        return self.text(field_id) or None

    def convert(self, field_id: str, parse: Callable[[str], T]) -> T | None:
        """The parsed value, or None when absent, empty or invalid (invalid is rejected)."""
        entry = self.entry(field_id)
        if entry is None or not entry.value:
            return None
        try:
            return parse(entry.value)
        except InvalidValue as exc:
            self.reject(entry, str(exc))
            return None

    def flag(self, field_id: str) -> bool | None:
        """Ja/Nej; anything else is not guessed at."""
        entry = self.entry(field_id)
        if entry is None or not entry.value:
            return None
        answer = entry.value.casefold()
        if answer in ("ja", "nej"):
            return answer == "ja"
        self.warnings.append(
            f"Fältet '{entry.label}' har värdet '{entry.value}', "
            "förväntade Ja eller Nej; värdet lämnades tomt."
        )
        return None

    def reject(
        self,
        entry: _Entry | None,
        reason: str,
        *,
        field_name: str = "",
        value: str = "",
        line: int | None = None,
    ) -> None:
        """Record a rejection of `entry`, or of a whole-page problem described by keywords."""
        if entry is not None:
            field_name, value, line = entry.label, entry.value, entry.value_line
        self.rejections.append(
            Rejection(self.source, line, field_name, value[:MAX_VALUE_CHARS], reason)
        )


def _duplicate_warning(label: str, kept: str) -> str:
    return f"Fältet '{label}' förekommer flera gånger med olika värden; '{kept}' används."


@dataclass(frozen=True)
class _Title:
    """The "DIARY - Name" title line before the fields."""

    line: _Line
    diary: str
    name: str


_TITLE_RE = re.compile(r"(?P<diary>\S+)\s+[-–—]\s+(?P<name>.+)")


def _find_title(preamble: list[_Line]) -> _Title | None:
    for line in preamble:
        match = _TITLE_RE.fullmatch(line.text)
        if match:
            try:
                diary, _ = values.parse_diary_number(match["diary"])
            except InvalidValue:
                continue
            return _Title(line, diary, " ".join(match["name"].split()))
    return None


def _diary_number(reader: _Reader, title: _Title | None) -> str:
    """The diary number all sources agree on; any disagreement or bad shape is a rejection."""
    agreed: tuple[str, str] | None = None  # (normalised, label it came from)
    entries = sorted(
        reader.by_field.get("diary_number", []), key=lambda entry: _DIARY_LABEL_ORDER[entry.key]
    )
    for entry in entries:
        if not entry.value:
            continue
        try:
            number, _ = values.parse_diary_number(entry.value)
        except InvalidValue as exc:
            reader.reject(entry, str(exc))
            continue
        if agreed is None:
            agreed = (number, entry.label)
        elif number != agreed[0]:
            reader.reject(entry, _disagreement(entry.label, number, *agreed))
    if title is not None:
        if agreed is None:
            return title.diary
        if title.diary != agreed[0]:
            reader.reject(
                None,
                _disagreement("Rubriken", title.diary, *agreed),
                field_name="Rubrik",
                value=title.line.text,
                line=title.line.number,
            )
    return agreed[0] if agreed else ""


def _disagreement(label: str, number: str, agreed: str, agreed_label: str) -> str:
    return (
        f"Diarienumren stämmer inte överens: {label} anger {number} "
        f"men {agreed_label} anger {agreed}."
    )


def _detect_period(reader: _Reader, diary: str) -> str:
    """The diary number's shape decides the programme period; a page without one is a
    2007–2013 page when it has that period's Projektfas label.

    The diary number is the one value every later page has, and an old project may be shown
    with newer labels. Labels typical of another period give a warning.
    """
    keys = {entry.key for entries in reader.by_field.values() for entry in entries}
    if not diary:
        return PERIOD_2007 if keys & _ESF_2007_KEYS else ""
    period = values.parse_diary_number(diary)[1]
    markers = _ESF_2014_KEYS if period == PERIOD_2021 else _ESF_PLUS_KEYS
    for other, other_keys in ((PERIOD_2007, _ESF_2007_KEYS), (None, markers)):
        if keys & other_keys:
            other = other or (PERIOD_2014 if period == PERIOD_2021 else PERIOD_2021)
            reader.warnings.append(
                f"Fälten liknar programperioden {other} men diarienumret har formatet för "
                f"{period}; diarienumret avgör."
            )
    return period


def _heading(preamble: list[_Line]) -> _Title | None:
    """A 2007–2013 page's title: the heading just above its fields, the project's name."""
    return _Title(preamble[-1], "", " ".join(preamble[-1].text.split())) if preamble else None


_AREA_2007_RE = re.compile(r"(?:programområde\s+)?(\d+)\b.*", re.IGNORECASE)


def _area_code_2007(text: str | None) -> str | None:
    """ "Programområde 1 Kompetensförsörjning" → "1"; other text is kept as written."""
    match = _AREA_2007_RE.fullmatch(text or "")
    return match[1] if match else text


def _name(reader: _Reader, title: _Title | None) -> str:
    name = reader.text("name")
    if name and title and not _same_text(name, title.name):
        reader.warnings.append(
            f"Namnet '{name}' skiljer sig från rubrikens '{title.name}'; fältet Namn används."
        )
    if not name and title:
        return title.name
    if not name:
        reader.warnings.append("Namn saknas.")
    return name


def _dates(reader: _Reader, programme_period: str) -> tuple[date | None, date | None]:
    """Startdatum/Slutdatum (ESF+) or Projektperiod (2014–2020, and 2007–2013 with "till");
    the end may not precede the start."""
    parse = values.parse_period_2007 if programme_period == PERIOD_2007 else values.parse_period
    period = reader.convert(PROJECT_PERIOD, parse) or (None, None)
    start = reader.convert("start_date", values.parse_date)
    end = reader.convert("end_date", values.parse_date)
    if (start and period[0] and start != period[0]) or (end and period[1] and end != period[1]):
        reader.warnings.append(
            "Startdatum/Slutdatum skiljer sig från Projektperiod; Startdatum/Slutdatum används."
        )
    end_entry = reader.entry("end_date") if end else reader.entry(PROJECT_PERIOD)
    start, end = start or period[0], end or period[1]
    if start and end and end < start:
        reader.reject(end_entry, f"Slutdatum {end} ligger före startdatum {start}.")
    return start, end


def _amounts(reader: _Reader) -> tuple[int | None, int | None]:
    total = reader.convert("total_budget", values.parse_amount)
    grant = reader.convert("esf_grant", values.parse_amount)
    if total is not None and grant is not None and grant > total:
        reader.reject(
            reader.entry("esf_grant"),
            f"Beviljat stöd ({grant} kr) är större än total projektbudget ({total} kr).",
        )
    return total, grant


def _ignored_preamble_warnings(preamble: list[_Line], title: _Title | None) -> list[str]:
    return [
        f"Text före fälten ignorerades (rad {line.number}): '{line.text[:MAX_VALUE_CHARS]}'."
        for line in preamble
        if title is None or line != title.line
    ]


def _build(layout: _Layout, source: str, warnings: list[str], source_url: str) -> ParseResult:
    reader = _Reader(source, layout.entries)
    title = _find_title(layout.preamble)
    if not any(reader.has(field_id) for field_id in _IDENTIFYING_FIELDS):
        return ParseResult(source, None, SKIP_NOT_PROJECT, [])
    diary = _diary_number(reader, title)
    period = _detect_period(reader, diary)
    if period == PERIOD_2007:
        title = _heading(layout.preamble)
        if not source_url:
            reader.reject(
                None,
                "Sidan är från programperioden 2007–2013 och har inget diarienummer; den känns "
                "igen på sin adress, men sidan anger ingen adress i projektbanken (esf.se). "
                "Spara sidan som HTML med dess egen adress.",
                field_name="Källa",
            )
    elif not diary and not reader.rejections:
        reader.reject(
            None,
            "Diarienummer saknas: sidan har projektfält men inget diarienummer.",
            field_name="Diarienummer",
        )
    page = _page(reader, source, period, diary, title)
    page.source_url = source_url
    page.description = _description(layout.description)
    page.participant_goal, goal_warnings = participant_goal(
        page.description, page.planned_participants
    )
    reader.warnings.extend(goal_warnings)
    page.as_of = _as_of(reader, layout)
    page.unknown_labels = reader.unknown
    page.warnings = [
        *warnings,
        *_ignored_preamble_warnings(layout.preamble, title),
        *reader.warnings,
    ]
    if reader.rejections:
        return ParseResult(source, None, None, reader.rejections)
    return ParseResult(source, page, None, [])


def _page(
    reader: _Reader, source: str, period: str, diary: str, title: _Title | None
) -> ProjectPage:
    owner = reader.text("owner_name")
    owner_name, owner_unit = split_owner(owner) if period == PERIOD_2014 else (owner, "")
    start, end = _dates(reader, period)
    total, grant = _amounts(reader)
    page = ProjectPage(
        source=source,
        period=period,
        diary_number=diary,
        name=_name(reader, title),
        owner_name=owner_name,
        owner_unit=owner_unit,
        start_date=start,
        end_date=end,
        total_budget=total,
        esf_grant=grant,
    )
    for field in _FIELD_READINGS:
        setattr(page, field.attribute, _READERS[field.reading](reader, field.attribute))
    page.fund = page.fund or ("ESF" if period in (PERIOD_2007, PERIOD_2014) else "")
    if period == PERIOD_2007:
        page.programme_area_code = _area_code_2007(page.programme_area_code)
    return page


_READERS: dict[str, Callable[[_Reader, str], object]] = {
    fields.TEXT: lambda reader, key: reader.text(key),
    fields.OPTIONAL: lambda reader, key: reader.optional_text(key),
    fields.CODE: lambda reader, key: reader.optional_text(key),
    fields.POSTCODE: lambda reader, key: values.postcode(reader.text(key)),
    fields.FLAG: lambda reader, key: reader.flag(key),
    fields.COUNT: lambda reader, key: reader.convert(key, values.parse_count),
    fields.RATE: lambda reader, key: reader.convert(key, values.parse_rate),
    fields.ORG_NUMBER: lambda reader, key: reader.convert(key, values.parse_org_number),
}
"""How each of `fields.py`'s readings reads a page's field."""


def _as_of(reader: _Reader, layout: _Layout) -> date | None:
    """The page's "Senast uppdaterad" date, from a label or from the text after the fields."""
    for label in list(reader.unknown):
        if label.strip().lower() == values.UPDATED_LABEL:
            value = reader.unknown.pop(label)
            return values.parse_updated(f"{values.UPDATED_LABEL}: {value}")
    for line in layout.description:
        found = values.parse_updated(line.text)
        if found:
            return found
    return None


# --- Public entry points ----------------------------------------------------------------------


def parse_bytes(data: bytes, *, source: str) -> ParseResult:
    """Parse one document (text or HTML) as read from disk or the network."""
    source_url = ""
    try:
        if len(data) > MAX_PAGE_BYTES:
            raise Unreadable(too_large_reason(len(data)))
        text, warnings = decode(data)
        if looks_like_html(text):
            try:
                soup = parse_html(text)
            except HtmlTooDeep as exc:
                raise Unreadable(str(exc)) from None
            source_url, url_warning = _canonical_url(soup)
            if url_warning:
                warnings.append(url_warning)
            text = soup_to_text(soup)
            if not text.strip():
                raise Unreadable(SKIP_NO_TEXT)
    except Unreadable as skip:
        return ParseResult(source, None, str(skip), [])
    return _build(_split_layout(text), source, warnings, normalise_source_url(source_url))


def parse_path(path: Path) -> list[ParseResult]:
    """Parse a file, or every *.txt/*.html/*.htm file below a directory, in sorted order.

    A file named directly is parsed whatever its ending. A file that cannot be read is
    reported as skipped rather than aborting the whole run.
    """
    return [_parse_file(file) for file in source_files(path, SUFFIXES)]


def parse_upload(upload, *, source: str) -> ParseResult:
    """Parse an uploaded file (anything with `.size` and `.read()`); a too-large one is not read."""
    if upload.size > MAX_PAGE_BYTES:
        return ParseResult(source, None, too_large_reason(upload.size), [])
    return parse_bytes(upload.read(), source=source)


def _parse_file(path: Path) -> ParseResult:
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            return ParseResult(str(path), None, too_large_reason(size), [])
        data = path.read_bytes()
    except OSError as exc:
        return ParseResult(str(path), None, f"Filen kunde inte läsas: {exc.strerror}.", [])
    return parse_bytes(data, source=str(path))
