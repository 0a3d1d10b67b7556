"""Parser for project pages from ESF-rådet's projektbank (2014–2020 and ESF+ 2021–2027).

A project page, as text, looks like this::

    2020/00152 - Fortsatt SLA          <- title line "DIARY - Name"

    Diarienummer:                      <- "Label:" line ...
    2020/00152                         <- ... then the value on the next line(s)
    ...
    Interventionstyp:
    109

    Free-text description ...          <- paragraphs after the field block

Saved HTML pages are first turned into the same text shape. A file is read as UTF-16 or UTF-32
when it starts with that byte order mark (Excel's "Unicode text"), else as UTF-8 (with or without
BOM), else as Windows-1252. A file above `MAX_PAGE_BYTES` is refused unread, and HTML nested
deeper than `MAX_HTML_DEPTH` elements is refused before it is parsed, so that no upload can tie up
a worker for long. The parser relies only on that
structure, never on the values of particular pages, so that it works on any page of the two
formats. It is pure Python (no Django) so it can run in scripts, tests and management commands.

Nothing is guessed: a value that cannot be read is a `Rejection` (the record must not be saved),
a doubtful one is a warning, and labels the parser does not know are kept in `unknown_labels`.
"""

import codecs
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.builder import HTMLTreeBuilder
from bs4.element import PreformattedString

PERIOD_2014 = "2014-2020"
PERIOD_2021 = "2021-2027"

SUFFIXES = (".txt", ".html", ".htm")
"""File name endings that `parse_path` picks up when it walks a directory."""

MAX_VALUE_CHARS = 200
MAX_URL_CHARS = 500
MAX_LABEL_CHARS = 60
"""A "Label:" line is shorter than this; longer lines ending in ":" are description text."""

MAX_PAGE_BYTES = 5 * 1024 * 1024
"""A project page is some tens of kB; a larger file is refused without being read."""
MAX_HTML_DEPTH = 512
"""Elements nested deeper than this (a real page has some tens) refuse the page unparsed."""
MAX_HTML_TAGS = 100_000
"""More start and end tags than this (a saved project page has some thousands) refuse the page
unparsed: parsing costs some 10 s per 100 000 tags."""
MAX_UNTERMINATED = 16
"""Unterminated "<", "<!--" or "<![" beyond this refuse the page: Python's HTML parser rescans
the rest of the document for each one, so thousands of them would take minutes."""

SKIP_NOT_PROJECT = "Inte en projektsida: inga fält som Diarienummer/Projektnummer hittades."
SKIP_EMPTY = "Filen är tom eller innehåller bara blanktecken."
SKIP_NO_TEXT = "Filen innehåller ingen läsbar text."
SKIP_BINARY = "Binär fil: innehållet är inte text."
SKIP_TOO_LARGE = (
    "Filen är {size}; större filer än {limit} läses inte (en projektsida är några tiotal kB)."
)
SKIP_TOO_DEEP = (
    "HTML-koden är nästlad djupare än {limit} element och lästes inte (en projektsida har några "
    "tiotal nivåer)."
)
SKIP_TOO_MANY_TAGS = (
    "HTML-koden har fler än {limit} taggar och lästes inte (en projektsida har några tusen)."
)
SKIP_BROKEN_HTML = (
    "HTML-koden har många oavslutade taggar eller kommentarer ('<' utan '>') och lästes inte."
)
SKIP_BAD_UNICODE = "Filen börjar som {encoding} men är inte giltig {encoding}: {detail}."
WARN_CP1252 = "Filen var inte giltig UTF-8 och avkodades som Windows-1252."

# Byte order marks that name the encoding; UTF-32 first, its LE mark starts like UTF-16's.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


@dataclass(frozen=True)
class Rejection:
    """Why a page must not be saved, pointing at the offending label and value."""

    source: str
    line: int | None
    field: str
    value: str
    reason: str


@dataclass
class ProjectPage:
    """Everything both page formats carry; None or "" where the page lacks it."""

    source: str
    period: str = ""
    diary_number: str = ""
    name: str = ""
    owner_name: str = ""
    owner_unit: str = ""
    org_number: str | None = None
    region_name: str | None = None
    nuts_code: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    total_budget: int | None = None
    esf_grant: int | None = None
    cofinancing_rate: Decimal | None = None
    programme_area_code: str | None = None
    specific_objective_code: str | None = None
    intervention_code: str | None = None
    planned_participants: int | None = None
    participant_goal: int | None = None
    contact_name: str = ""
    contact_email: str = ""
    postcode: str = ""
    city: str = ""
    address: str = ""
    country: str = ""
    fund: str = ""
    programme_cci: str = ""
    child_poverty_theme: bool | None = None
    strategic_importance: bool | None = None
    description: str = ""
    description_en: str = ""
    """The English summary, where the source has one (the list of operations)."""
    source_url: str = ""
    """The page's own address when a saved HTML page names it (canonical link or og:url)."""
    as_of: date | None = None
    """The day the page says it was last updated ("Senast uppdaterad: 8 juni 2020"), if any."""
    unknown_labels: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ParseResult:
    """Outcome for one file: a page, a reason to skip it, or the rejections that stop it."""

    source: str
    page: ProjectPage | None
    skipped: str | None
    rejections: list[Rejection]


# --- Labels ---------------------------------------------------------------------------------

# Field id -> the labels pages use for it. Spelling variants seen or expected on the site
# ("address"/"adress", "Stödmottagare"/"Stödmottagarens") are listed explicitly rather than
# matched fuzzily, so that an unexpected label ends up in `unknown_labels` instead of a field.
_FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "diary": ("Diarienummer",),
    "project_number": ("Projektnummer",),
    "name": ("Namn",),
    "owner": ("Projektägare",),
    "org_number": ("Projektägare organisationsnummer",),
    "region": ("Region",),
    "nuts": ("NUTS-2 kod", "NUTS-2-kod"),
    "planned": ("Planerat antal deltagare", "Antal deltagare"),
    "period": ("Projektperiod",),
    "start": ("Startdatum",),
    "end": ("Slutdatum",),
    "total_budget": ("Total projektbudget",),
    "esf_grant": ("Beviljat ESF-stöd", "Beviljat ESF+-stöd"),
    "contact_name": ("Kontaktperson",),
    "contact_email": ("E-post",),
    "postcode": ("Stödmottagare postnr", "Stödmottagarens postnr"),
    "city": ("Stödmottagare ort", "Stödmottagarens ort"),
    "address": (
        "Stödmottagarens address",
        "Stödmottagarens adress",
        "Stödmottagare address",
        "Stödmottagare adress",
    ),
    "programme_area": ("Programområde",),
    "objective": ("Specifikt mål",),
    "rate": ("Unionens medfinansieringsgrad",),
    "intervention": ("Interventionstyp",),
    "country": ("Land som berörs",),
    "fund": ("Berörd fond",),
    "cci": ("Program CCI",),
    "child_poverty": ("Sekundärtema - Motverka barnfattigdom",),
    "strategic": ("Insats av strategisk betydelse",),
}

# Labels that also occur outside project pages (news items, contact boxes); on their own they
# do not make a document a project page.
_GENERIC_FIELDS = frozenset({"name", "region", "contact_name", "contact_email"})
_IDENTIFYING_FIELDS = frozenset(_FIELD_LABELS) - _GENERIC_FIELDS
_DIARY_FIELDS = ("diary", "project_number")

_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})


def _label_key(label: str) -> str:
    """Comparable form of a label: case, colon, spacing and dash kind do not matter."""
    text = " ".join(label.translate(_DASHES).split()).rstrip(":").strip()
    return re.sub(r"\s*-\s*", "-", text).casefold()


_FIELD_BY_KEY = {
    _label_key(label): field_id for field_id, labels in _FIELD_LABELS.items() for label in labels
}
_ESF_PLUS_KEYS = frozenset(
    _label_key(label)
    for field_id in (
        "country",
        "fund",
        "cci",
        "start",
        "end",
        "nuts",
        "org_number",
        "child_poverty",
        "strategic",
    )
    for label in _FIELD_LABELS[field_id]
)
_ESF_2014_KEYS = frozenset(
    _label_key(label)
    for label in ("Projektperiod", "Beviljat ESF-stöd", "Planerat antal deltagare")
)


# --- Decoding and HTML ----------------------------------------------------------------------


class _Skip(Exception):
    """The file is not a project page; the message is the Swedish reason."""


def bom_encoding(head: bytes) -> tuple[str, str, int] | None:
    """(codec, name, BOM length) when `head` starts with a UTF-16 or UTF-32 byte order mark."""
    for bom, codec, name in BOMS:
        if head.startswith(bom):
            return codec, name, len(bom)
    return None


def too_large_reason(size: int) -> str:
    return SKIP_TOO_LARGE.format(size=_megabytes(size), limit=_megabytes(MAX_PAGE_BYTES))


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def _decode(data: bytes) -> tuple[str, list[str]]:
    """UTF-16/32 by their byte order mark; else UTF-8 (BOM optional); else Windows-1252, which
    older Swedish exports fall back to."""
    if not data.strip():
        raise _Skip(SKIP_EMPTY)
    warnings: list[str] = []
    if marked := bom_encoding(data[:4]):
        codec, name, skip = marked
        try:
            text = data[skip:].decode(codec)
        except UnicodeDecodeError as exc:
            raise _Skip(SKIP_BAD_UNICODE.format(encoding=name, detail=exc.reason)) from None
        if "\x00" in text:
            raise _Skip(SKIP_BINARY)
    else:
        if b"\x00" in data:
            raise _Skip(SKIP_BINARY)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise _Skip(SKIP_BINARY) from exc
            warnings.append(WARN_CP1252)
    if not text.strip():
        raise _Skip(SKIP_EMPTY)
    if mostly_control_characters(text):
        raise _Skip(SKIP_BINARY)
    return text, warnings


# C0 and C1 controls other than the whitespace ones, and private-use characters.
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\U000f0000-\U0010ffff]")


def control_characters(text: str) -> int:
    return sum(1 for _ in _CONTROL_RE.finditer(text))


def mostly_control_characters(text: str) -> bool:
    """Binary data without NUL bytes still decodes as Windows-1252, but is full of controls."""
    return control_characters(text) > len(text) * 0.05


class _TooDeep(Exception):
    pass


class _TooMany(Exception):
    pass


class _DepthScanner(HTMLParser):
    """Tokenises as BeautifulSoup's "html.parser" does and keeps its stack of open elements,
    without building a tree; stops at the first element deeper than the limit."""

    VOID = frozenset(HTMLTreeBuilder.DEFAULT_EMPTY_ELEMENT_TAGS or ())

    def __init__(self, limit: int, max_tags: int) -> None:
        super().__init__(convert_charrefs=False)
        self.limit = limit
        self.tags_left = max_tags
        self.stack: list[str] = []
        self.open = Counter()

    def handle_starttag(self, tag, attrs) -> None:
        self.tags_left -= 1
        if self.tags_left < 0:
            raise _TooMany
        if tag in self.VOID:
            return
        self.stack.append(tag)
        self.open[tag] += 1
        if len(self.stack) > self.limit:
            raise _TooDeep

    def handle_startendtag(self, tag, attrs) -> None:
        self.tags_left -= 1  # opened and closed at once
        if self.tags_left < 0:
            raise _TooMany

    def handle_endtag(self, tag) -> None:
        self.tags_left -= 1
        if self.tags_left < 0:
            raise _TooMany
        if not self.open[tag]:
            return  # a stray end tag closes nothing
        while self.stack:
            name = self.stack.pop()
            self.open[name] -= 1
            if name == tag:
                return


def html_problem(
    markup: str,
    *,
    depth: int = MAX_HTML_DEPTH,
    tags: int = MAX_HTML_TAGS,
) -> str | None:
    """Why `markup` must not be parsed (the Swedish reason), or None.

    A linear pre-scan: unterminated constructs are counted with a few string searches first
    (they would make the parser itself quadratic), then the tags are tokenised without a tree.
    """
    last_close = markup.rfind(">")
    if (
        markup.count("<", last_close + 1) > MAX_UNTERMINATED
        or markup.count("<!--", markup.rfind("-->") + 1) > MAX_UNTERMINATED
        or markup.count("<![") > MAX_UNTERMINATED
    ):
        return SKIP_BROKEN_HTML
    scanner = _DepthScanner(depth, tags)
    try:
        scanner.feed(markup)
        scanner.close()
    except _TooDeep:
        return SKIP_TOO_DEEP.format(limit=depth)
    except _TooMany:
        return SKIP_TOO_MANY_TAGS.format(limit=f"{tags:,}".replace(",", "\u00a0"))
    return None


_HTML_RE = re.compile(
    r"^\s*<(?:!doctype|html)\b"
    r"|<(?:html|body|main|article|section|div|p|br|span|dl|dt|dd|table|tr|th|td|ul|ol|li|h[1-6])"
    r"\b[^>]*>",
    re.IGNORECASE,
)
_DROPPED_TAGS = ("head", "script", "style", "noscript", "template", "nav")
# Site header and footer are chrome, but an article's own <header> holds the page title.
_CHROME_TAGS = ("header", "footer")
_PARAGRAPH_TAGS = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "dl",
        "table",
        "ul",
        "ol",
        "blockquote",
        "pre",
        "section",
        "article",
        "hr",
        "figure",
    }
)
_LINE_TAGS = frozenset(
    {
        "address",
        "body",
        "caption",
        "dd",
        "div",
        "dt",
        "fieldset",
        "figcaption",
        "form",
        "label",
        "legend",
        "li",
        "main",
        "td",
        "th",
        "tr",
        "aside",
    }
)
_CELL_TAGS = ("dt", "dd", "th", "td")
_LABEL_CLASS_RE = re.compile(r"(?:^|[-_])label$", re.IGNORECASE)
_LINE_BREAK, _PARAGRAPH_BREAK = 1, 2
_BR = -1  # a <br>: adds one line break to whatever is pending


def _looks_like_html(text: str) -> bool:
    return _HTML_RE.search(text) is not None


class HtmlTooDeep(ValueError):
    """HTML too deep, too large or too broken to parse; the message is the Swedish reason."""


def _parse_html(markup: str) -> BeautifulSoup:
    if problem := html_problem(markup):
        raise HtmlTooDeep(problem)
    return BeautifulSoup(markup, "html.parser")


def _html_to_text(markup: str) -> str:
    """Render HTML as the text form: blocks become lines, paragraph blocks blank lines.

    Label/value pairs (<dt>/<dd>, <th>/<td>, block <div>s) each land on their own line, so the
    result reads like the site's text export and goes through the same line parser. Raises
    `HtmlTooDeep` for markup nested deeper than MAX_HTML_DEPTH (or refused by `html_problem`).
    """
    return _soup_to_text(_parse_html(markup))


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


def _soup_to_text(soup: BeautifulSoup) -> str:
    for tag in _dropped(soup):
        tag.decompose()
    return _join_pieces(_html_pieces(soup))


def _dropped(soup: BeautifulSoup) -> list[Tag]:
    """Head, scripts, navigation, and site header/footer outside <main>/<article>.

    One walk that knows whether it is inside <main>/<article>, instead of asking every header
    for its parents: the cost stays linear in the size of the page however deep it nests.
    """
    dropped: list[Tag] = []
    # (tag, inside main/article)
    stack: list[tuple[Tag, bool]] = [(soup, False)]
    while stack:
        tag, in_main = stack.pop()
        for child in tag.contents:
            if not isinstance(child, Tag):
                continue
            if child.name in _DROPPED_TAGS or (child.name in _CHROME_TAGS and not in_main):
                dropped.append(child)
                continue
            stack.append((child, in_main or child.name in ("main", "article")))
    return dropped


def _html_pieces(soup: BeautifulSoup) -> list[str | int]:
    """Text pieces and break levels in document order (iterative: deep nesting is allowed).

    Whether a node is inside <pre> or a label/value cell is counted on the way down rather than
    looked up through its parents, so that the walk is linear in the number of nodes.
    """
    pieces: list[str | int] = []
    in_pre = in_cell = 0
    rows: dict[int, Tag | None] = {}  # id(row) -> its first cell when it is a two-cell row
    # (node, None, 0) opens a node; (tag, index, level) closes a tag whose pieces start at index.
    stack: list[tuple[Tag | NavigableString, int | None, int]] = [(soup, None, 0)]
    while stack:
        node, opened_at, level = stack.pop()
        if isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):  # comments, doctype, CDATA
                pieces.append(_html_text(node, in_pre=in_pre > 0))
            continue
        if opened_at is not None:
            if level < 0:  # a label element: level -1 - its break level
                _end_with_colon(pieces, opened_at)
                level = -1 - level
            pieces.append(level)
            in_pre -= node.name == "pre"
            in_cell -= node.name in _CELL_TAGS
            continue
        if node.name == "br":
            pieces.append(_BR)
            continue
        is_label = _is_label_element(node, rows)
        level = max(_break_level(node, in_cell=in_cell > 0), _LINE_BREAK if is_label else 0)
        pieces.append(level)
        stack.append((node, len(pieces), -1 - level if is_label else level))
        in_pre += node.name == "pre"
        in_cell += node.name in _CELL_TAGS
        stack.extend((child, None, 0) for child in reversed(node.contents))
    return pieces


def _html_text(node: NavigableString, *, in_pre: bool) -> str:
    if in_pre:
        return str(node)
    return re.sub(r"[ \t\r\n\f]+", " ", str(node))


def _break_level(tag: Tag, *, in_cell: bool) -> int:
    """Paragraph blocks give a blank line, except inside a label or value cell.

    A blank line ends the field block, so `<dd><p>Fortsatt SLA</p></dd>` must only give a
    line break.
    """
    if tag.name in _PARAGRAPH_TAGS:
        return _LINE_BREAK if in_cell else _PARAGRAPH_BREAK
    return _LINE_BREAK if tag.name in _LINE_TAGS else 0


def _end_with_colon(pieces: list[str | int], start: int) -> None:
    """Label elements are labels even when the site leaves out the colon."""
    for index in range(len(pieces) - 1, start - 1, -1):
        piece = pieces[index]
        if isinstance(piece, str) and piece.strip():
            if not piece.rstrip().endswith(":"):
                pieces[index] = piece.rstrip() + ":"
            return


def _is_label_element(tag: Tag, rows: dict[int, Tag | None]) -> bool:
    """<dt>, <label>, class "label"/"…-label"/"…__label", or the first of two cells in a row.

    Such an element is a "Label:" line of its own, even when inline (<span class="label">).
    `rows` remembers each row's answer, so a row of many cells is looked at once.
    """
    if tag.name in ("dt", "label"):
        return True
    if any(_LABEL_CLASS_RE.search(name) for name in tag.get("class") or []):
        return True
    if tag.name in ("th", "td") and tag.parent is not None:
        key = id(tag.parent)
        if key not in rows:
            cells = tag.parent.find_all(("th", "td"), recursive=False, limit=3)
            pair = len(cells) == 2 and cells[1].name == "td"
            rows[key] = cells[0] if pair else None
        return rows[key] is tag
    return False


def _join_pieces(pieces: list[str | int]) -> str:
    """Merge break levels: the strongest pending break wins, two <br>s make a paragraph."""
    out: list[str] = []
    pending = 0
    for piece in pieces:
        if isinstance(piece, int):
            pending = min(pending + 1, _PARAGRAPH_BREAK) if piece == _BR else max(pending, piece)
            continue
        if pending and not piece.strip():
            continue
        if pending and out:
            out.append("\n" * pending)
        pending = 0
        out.append(piece)
    lines = [line.strip() for line in "".join(out).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


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
            values = [_Line(line.number, inline)] if inline else []
            entries.append(_Entry(label, line.number, values))
        else:
            entries[-1].values.append(line)
        index += 1
    return entries, len(lines)


# --- Value parsers ---------------------------------------------------------------------------


class _Invalid(ValueError):
    """A value that cannot be read; the message is the Swedish rejection reason."""


_SPACE_LIKE = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
_MINUS = ("-", "−", "–")
_DIARY_2014_RE = re.compile(r"(20\d\d)[/-](\d{5})")
_DIARY_2021_RE = re.compile(r"(\d\d)-(\d{3})-(S\d\d)", re.IGNORECASE)
_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_PERIOD_RE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*(?:--|[-–—])\s*(\d{4}-\d{2}-\d{2})")
_RATE_RE = re.compile(r"([-−]?\d+(?:[.,]\d+)?)\s*(?:%|procent)?", re.IGNORECASE)
_CURRENCY_RE = re.compile(r"\s*(?:kr\.?|kronor|sek)$", re.IGNORECASE)

DIARY_REASON = (
    "Ogiltigt diarienummer: förväntade ÅÅÅÅ/NNNNN (2014–2020, även ÅÅÅÅ-NNNNN) "
    "eller ÅÅ-NNN-SNN (ESF+)."
)
AMOUNT_REASON = "Ogiltigt belopp: förväntade heltal i kronor."
NEGATIVE_AMOUNT_REASON = "Ogiltigt belopp: negativa belopp är inte tillåtna."
COUNT_REASON = "Ogiltigt antal: förväntade ett heltal."
NEGATIVE_COUNT_REASON = "Ogiltigt antal: negativa tal är inte tillåtna."


def parse_diary_number(value: str) -> tuple[str, str]:
    """(normalised diary number, period); "2020-00152" becomes "2020/00152"."""
    compact = _SPACE_LIKE.sub("", value)
    if match := _DIARY_2014_RE.fullmatch(compact):
        return f"{match[1]}/{match[2]}", PERIOD_2014
    if match := _DIARY_2021_RE.fullmatch(compact):
        return f"{match[1]}-{match[2]}-{match[3].upper()}", PERIOD_2021
    raise _Invalid(DIARY_REASON)


def _grouped_int(value: str, reason: str, negative_reason: str) -> int:
    """Digits, optionally grouped by three with one kind of separator.

    Spaces of any kind (normal, no-break U+00A0, figure U+2007, thin U+2009, narrow no-break
    U+202F) and dots ("36.619.373", the German/Danish style) are thousands separators. Commas are
    decimal marks in Swedish, so "36,5" is not a whole number and is refused, as are
    inconsistent groups such as "1 23 456".
    """
    text = _SPACE_LIKE.sub(" ", value).strip()
    if text.startswith(_MINUS):
        raise _Invalid(negative_reason)
    if re.fullmatch(r"\d+|\d{1,3}(?: \d{3})+|\d{1,3}(?:\.\d{3})+", text):
        return int(re.sub(r"\D", "", text))
    raise _Invalid(reason)


def parse_amount(value: str) -> int:
    """Whole kronor; a trailing "kr", "kr.", "kronor" or "SEK" is allowed."""
    return _grouped_int(_CURRENCY_RE.sub("", value.strip()), AMOUNT_REASON, NEGATIVE_AMOUNT_REASON)


def parse_count(value: str) -> int:
    return _grouped_int(value, COUNT_REASON, NEGATIVE_COUNT_REASON)


def parse_rate(value: str) -> Decimal:
    """Percent 0–100: "50%", "50 %", "49,5 %", "49.5 procent"; a bare "50" is read as percent."""
    match = _RATE_RE.fullmatch(_SPACE_LIKE.sub(" ", value).strip())
    if not match:
        raise _Invalid("Ogiltig medfinansieringsgrad: förväntade procent, t.ex. 50 % eller 49,5 %.")
    rate = Decimal(match[1].replace(",", ".").replace("−", "-"))
    if not 0 <= rate <= 100:
        raise _Invalid("Ogiltig medfinansieringsgrad: måste vara mellan 0 och 100 %.")
    return rate


def parse_date(value: str) -> date:
    """ISO YYYY-MM-DD only: the site writes dates that way, anything else is a misread."""
    match = _DATE_RE.fullmatch(value.strip())
    if not match:
        raise _Invalid("Ogiltigt datum: förväntade ÅÅÅÅ-MM-DD.")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise _Invalid(f"Ogiltigt datum: {value.strip()} finns inte i kalendern.") from exc


def parse_period(value: str) -> tuple[date, date]:
    """ "2020-08-17 - 2022-12-31" (also with en dash, em dash or "--")."""
    match = _PERIOD_RE.fullmatch(_SPACE_LIKE.sub(" ", value).strip())
    if not match:
        raise _Invalid("Ogiltig projektperiod: förväntade ÅÅÅÅ-MM-DD - ÅÅÅÅ-MM-DD.")
    return parse_date(match[1]), parse_date(match[2])


def luhn_valid(digits: str) -> bool:
    """Luhn (mod 10) check used for Swedish organisation numbers."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char) * (2 if index % 2 else 1)
        total += number - 9 if number > 9 else number
    return total % 10 == 0


def parse_org_number(value: str) -> str:
    """Ten digits, dashes and spaces removed; a leading century "16" (12 digits) is dropped."""
    digits = re.sub(r"[\s\u00a0\u2009\u202f\-‐–]", "", value)
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    if not re.fullmatch(r"\d{10}", digits):
        raise _Invalid("Ogiltigt organisationsnummer: förväntade 10 siffror, t.ex. 802518-5011.")
    if not luhn_valid(digits):
        raise _Invalid(
            "Ogiltigt organisationsnummer: kontrollsiffran stämmer inte (Luhn-kontroll)."
        )
    return digits


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


# --- Participant goal -----------------------------------------------------------------------

_NUMBER = r"\d{1,3}(?: \d{3})+|\d+"
_GOAL_RE = re.compile(
    rf"(?<![\d.,])(?P<number>{_NUMBER})(?P<fraction>[.,]\d+)?"
    rf"\s*(?P<percent>%|procent)?"
    rf"\s+av\s+(?:(?:projektets|projekts|de)\s+(?P<total>{_NUMBER})\s+)?"
    rf"(?P<who>deltagarna|deltagare|dem)\s+sk(?:a|all)\b",
    re.IGNORECASE,
)
# "personal" (staff) must not count as "personer".
_PARTICIPANT_WORD_RE = re.compile(r"\b(?:deltagar\w*|personer|individer)\b", re.IGNORECASE)


def find_participant_goal(description: str) -> tuple[int | None, list[str]]:
    """How many participants the description says should reach the goal, and warnings.

    Only explicit statements count: "minst 125 av dem ska", "125 av de 210 deltagarna ska",
    "60 % av projektets 584 deltagare ska" (percent of a stated count, rounded half up).
    A percentage without a participant count ("50 % av deltagarna ska") gives None: the planned
    number of participants is deliberately not used to turn it into a count, since the page
    does not say the two refer to the same group. "av dem" counts only when the same sentence
    speaks of participants/persons. Several different goals give None and a warning.
    """
    text = " ".join(description.split())
    goals = sorted({_goal_of(match) for match in _GOAL_RE.finditer(text)} - {None})
    if len(goals) > 1:
        listed = ", ".join(str(goal) for goal in goals)
        return None, [f"Flera olika deltagarmål i beskrivningen ({listed}); inget mål sattes."]
    return (goals[0] if goals else None), []


def _goal_of(match: re.Match[str]) -> int | None:
    total = int(match["total"].replace(" ", "")) if match["total"] else None
    if match["percent"]:
        if total is None:
            return None
        fraction = (match["fraction"] or "").replace(",", ".")
        percent = Decimal(match["number"].replace(" ", "") + fraction)
        goal = (percent * total / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return int(goal) if percent <= 100 else None
    if match["fraction"]:
        return None
    if match["who"].casefold() == "dem" and not _sentence_mentions_participants(match):
        return None
    goal = int(match["number"].replace(" ", ""))
    return goal if total is None or goal <= total else None


def _sentence_mentions_participants(match: re.Match[str]) -> bool:
    before = match.string[: match.start()]
    sentence_start = max(before.rfind(". "), before.rfind("! "), before.rfind("? "))
    return _PARTICIPANT_WORD_RE.search(before[sentence_start + 1 :]) is not None


# --- Description ------------------------------------------------------------------------------

_BOILERPLATE_RE = re.compile(r"skriv ut|senast uppdaterad\b.*", re.IGNORECASE)


def _description(lines: list[_Line]) -> str:
    """Paragraphs joined by a blank line, line breaks inside a paragraph kept, spaces tidied."""
    texts = [" ".join(line.text.split()) for line in lines]
    while texts and (not texts[-1] or _BOILERPLATE_RE.fullmatch(texts[-1])):
        texts.pop()
    paragraphs = "\n".join(texts).split("\n\n")
    return "\n\n".join(p.strip("\n") for p in paragraphs if p.strip())


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
            values = {entry.value for entry in entries if entry.value}
            if field_id not in _DIARY_FIELDS and len(values) > 1:
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
        except _Invalid as exc:
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
                diary, _ = parse_diary_number(match["diary"])
            except _Invalid:
                continue
            return _Title(line, diary, " ".join(match["name"].split()))
    return None


def _diary_number(reader: _Reader, title: _Title | None) -> str:
    """The diary number all sources agree on; any disagreement or bad shape is a rejection."""
    agreed: tuple[str, str] | None = None  # (normalised, label it came from)
    for field_id in _DIARY_FIELDS:
        for entry in reader.by_field.get(field_id, []):
            if not entry.value:
                continue
            try:
                number, _ = parse_diary_number(entry.value)
            except _Invalid as exc:
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
    """The diary number's shape decides the programme period.

    It is the one value every page has (a page without it is rejected), and an old project may
    be shown with newer labels. Labels typical of the other period give a warning.
    """
    if not diary:
        return ""
    period = parse_diary_number(diary)[1]
    keys = {entry.key for entries in reader.by_field.values() for entry in entries}
    markers = _ESF_2014_KEYS if period == PERIOD_2021 else _ESF_PLUS_KEYS
    if keys & markers:
        other = PERIOD_2014 if period == PERIOD_2021 else PERIOD_2021
        reader.warnings.append(
            f"Fälten liknar programperioden {other} men diarienumret har formatet för "
            f"{period}; diarienumret avgör."
        )
    return period


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


def _dates(reader: _Reader) -> tuple[date | None, date | None]:
    """Startdatum/Slutdatum (ESF+) or Projektperiod (2014–2020); the end may not precede start."""
    period = reader.convert("period", parse_period) or (None, None)
    start = reader.convert("start", parse_date)
    end = reader.convert("end", parse_date)
    if (start and period[0] and start != period[0]) or (end and period[1] and end != period[1]):
        reader.warnings.append(
            "Startdatum/Slutdatum skiljer sig från Projektperiod; Startdatum/Slutdatum används."
        )
    end_entry = reader.entry("end") if end else reader.entry("period")
    start, end = start or period[0], end or period[1]
    if start and end and end < start:
        reader.reject(end_entry, f"Slutdatum {end} ligger före startdatum {start}.")
    return start, end


def _amounts(reader: _Reader) -> tuple[int | None, int | None]:
    total = reader.convert("total_budget", parse_amount)
    grant = reader.convert("esf_grant", parse_amount)
    if total is not None and grant is not None and grant > total:
        reader.reject(
            reader.entry("esf_grant"),
            f"Beviljat stöd ({grant} kr) är större än total projektbudget ({total} kr).",
        )
    return total, grant


def _postcode(value: str) -> str:
    """ "391 27" and "39127" are the same postcode; other text is kept as written."""
    compact = _SPACE_LIKE.sub("", value)
    return compact if re.fullmatch(r"\d{5}", compact) else value


def _ignored_preamble_warnings(preamble: list[_Line], title: _Title | None) -> list[str]:
    return [
        f"Text före fälten ignorerades (rad {line.number}): '{line.text[:MAX_VALUE_CHARS]}'."
        for line in preamble
        if title is None or line != title.line
    ]


def _build(layout: _Layout, source: str, warnings: list[str]) -> ParseResult:
    reader = _Reader(source, layout.entries)
    title = _find_title(layout.preamble)
    if not any(reader.has(field_id) for field_id in _IDENTIFYING_FIELDS):
        return ParseResult(source, None, SKIP_NOT_PROJECT, [])
    diary = _diary_number(reader, title)
    if not diary and not reader.rejections:
        reader.reject(
            None,
            "Diarienummer saknas: sidan har projektfält men inget diarienummer.",
            field_name="Diarienummer",
        )
    period = _detect_period(reader, diary)
    page = _page(reader, source, period, diary, title)
    page.description = _description(layout.description)
    page.participant_goal = _participant_goal(reader, page)
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
    owner = reader.text("owner")
    owner_name, owner_unit = split_owner(owner) if period == PERIOD_2014 else (owner, "")
    start, end = _dates(reader)
    total, grant = _amounts(reader)
    return ProjectPage(
        source=source,
        period=period,
        diary_number=diary,
        name=_name(reader, title),
        owner_name=owner_name,
        owner_unit=owner_unit,
        org_number=reader.convert("org_number", parse_org_number),
        region_name=reader.optional_text("region"),
        nuts_code=reader.optional_text("nuts"),
        start_date=start,
        end_date=end,
        total_budget=total,
        esf_grant=grant,
        cofinancing_rate=reader.convert("rate", parse_rate),
        programme_area_code=reader.optional_text("programme_area"),
        specific_objective_code=reader.optional_text("objective"),
        intervention_code=reader.optional_text("intervention"),
        planned_participants=reader.convert("planned", parse_count),
        contact_name=reader.text("contact_name"),
        contact_email=reader.text("contact_email"),
        postcode=_postcode(reader.text("postcode")),
        city=reader.text("city"),
        address=reader.text("address"),
        country=reader.text("country"),
        fund=reader.text("fund") or ("ESF" if period == PERIOD_2014 else ""),
        programme_cci=reader.text("cci"),
        child_poverty_theme=reader.flag("child_poverty"),
        strategic_importance=reader.flag("strategic"),
    )


SWEDISH_MONTHS = {
    name: number
    for number, name in enumerate(
        "januari februari mars april maj juni juli augusti september oktober november "
        "december".split(),
        start=1,
    )
}
_UPDATED_LABEL = "senast uppdaterad"
_UPDATED_RE = re.compile(
    r"senast uppdaterad:?\s*(?:(\d{4}-\d{2}-\d{2})|(\d{1,2})\s+([a-zåäö]+)\s+(\d{4}))",
    re.IGNORECASE,
)


def parse_updated(text: str) -> date | None:
    """The date in "Senast uppdaterad: 8 juni 2020" (or "… 2020-06-08"), else None."""
    match = _UPDATED_RE.search(text)
    if not match:
        return None
    iso, day, month, year = match.groups()
    try:
        if iso:
            return date.fromisoformat(iso)
        number = SWEDISH_MONTHS.get(month.lower())
        return date(int(year), number, int(day)) if number else None
    except ValueError:
        return None


def _as_of(reader: _Reader, layout: _Layout) -> date | None:
    """The page's "Senast uppdaterad" date, from a label or from the text after the fields."""
    for label in list(reader.unknown):
        if label.strip().lower() == _UPDATED_LABEL:
            value = reader.unknown.pop(label)
            return parse_updated(f"{_UPDATED_LABEL}: {value}")
    for line in layout.description:
        found = parse_updated(line.text)
        if found:
            return found
    return None


def _participant_goal(reader: _Reader, page: ProjectPage) -> int | None:
    goal, warnings = find_participant_goal(page.description)
    reader.warnings.extend(warnings)
    planned = page.planned_participants
    if goal is not None and planned is not None and goal > planned:
        reader.warnings.append(
            f"Deltagarmålet {goal} i beskrivningen är större än antalet deltagare {planned}; "
            "inget mål sattes."
        )
        return None
    return goal


# --- Public entry points ----------------------------------------------------------------------


def parse_bytes(data: bytes, *, source: str) -> ParseResult:
    """Parse one document (text or HTML) as read from disk or the network."""
    source_url = ""
    try:
        if len(data) > MAX_PAGE_BYTES:
            raise _Skip(too_large_reason(len(data)))
        text, warnings = _decode(data)
        if _looks_like_html(text):
            try:
                soup = _parse_html(text)
            except HtmlTooDeep as exc:
                raise _Skip(str(exc)) from None
            source_url, url_warning = _canonical_url(soup)
            if url_warning:
                warnings.append(url_warning)
            text = _soup_to_text(soup)
            if not text.strip():
                raise _Skip(SKIP_NO_TEXT)
    except _Skip as skip:
        return ParseResult(source, None, str(skip), [])
    result = _build(_split_layout(text), source, warnings)
    if result.page is not None:
        result.page.source_url = source_url
    return result


def parse_path(path: Path) -> list[ParseResult]:
    """Parse a file, or every *.txt/*.html/*.htm file below a directory, in sorted order.

    A file named directly is parsed whatever its ending. A file that cannot be read is
    reported as skipped rather than aborting the whole run.
    """
    return [_parse_file(file) for file in source_files(path, SUFFIXES)]


def source_files(path: Path, suffixes) -> list[Path]:
    """The file itself, or the files below a directory with one of `suffixes`, sorted."""
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
    if path.is_file():
        return [path]
    raise FileNotFoundError(path)


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
