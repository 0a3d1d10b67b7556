"""Text from bytes: decoding, and HTML rendered as the line-oriented text the parsers read.

A file is read as UTF-16 or UTF-32 when it starts with that byte order mark (Excel's "Unicode
text"), else as UTF-8 (with or without BOM), else as Windows-1252 with a warning (older Swedish
exports). An empty file, binary data and a file its byte order mark misnames are `Unreadable`,
with the Swedish reason. `decode` takes bytes held in memory; `stream_encoding` checks a
seekable stream chunk by chunk without holding its text.

HTML is pre-scanned before it is parsed (`html_problem`): markup nested deeper than
`MAX_HTML_DEPTH` elements, with more than `MAX_HTML_TAGS` tags or with many unterminated
constructs is refused unparsed, so that no upload can tie up a worker for long. `html_to_text`
renders blocks as lines and paragraph blocks as blank lines, label/value pairs on lines of their
own, so that a saved page reads like the site's text export. Pure Python: no Django.
"""

import codecs
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.builder import HTMLTreeBuilder
from bs4.element import PreformattedString

MAX_HTML_DEPTH = 512
"""Elements nested deeper than this (a real page has some tens) refuse the page unparsed."""
MAX_HTML_TAGS = 100_000
"""More start and end tags than this (a saved project page has some thousands) refuse the page
unparsed: parsing costs some 10 s per 100 000 tags."""
MAX_UNTERMINATED = 16
"""Unterminated "<", "<!--" or "<![" beyond this refuse the page: Python's HTML parser rescans
the rest of the document for each one, so thousands of them would take minutes."""

SKIP_EMPTY = "Filen är tom eller innehåller bara blanktecken."
SKIP_BINARY = "Binär fil: innehållet är inte text."
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


class Unreadable(Exception):
    """The bytes cannot be read as text; the message is the Swedish reason."""


def bom_encoding(head: bytes) -> tuple[str, str, int] | None:
    """(codec, name, BOM length) when `head` starts with a UTF-16 or UTF-32 byte order mark."""
    for bom, codec, name in BOMS:
        if head.startswith(bom):
            return codec, name, len(bom)
    return None


def decode(data: bytes) -> tuple[str, list[str]]:
    """UTF-16/32 by their byte order mark; else UTF-8 (BOM optional); else Windows-1252, which
    older Swedish exports fall back to."""
    if not data.strip():
        raise Unreadable(SKIP_EMPTY)
    warnings: list[str] = []
    if marked := bom_encoding(data[:4]):
        codec, name, skip = marked
        try:
            text = data[skip:].decode(codec)
        except UnicodeDecodeError as exc:
            raise Unreadable(SKIP_BAD_UNICODE.format(encoding=name, detail=exc.reason)) from None
        if "\x00" in text:
            raise Unreadable(SKIP_BINARY)
    else:
        if b"\x00" in data:
            raise Unreadable(SKIP_BINARY)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise Unreadable(SKIP_BINARY) from exc
            warnings.append(WARN_CP1252)
    if not text.strip():
        raise Unreadable(SKIP_EMPTY)
    if mostly_control_characters(text):
        raise Unreadable(SKIP_BINARY)
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


def looks_like_html(text: str) -> bool:
    return _HTML_RE.search(text) is not None


class HtmlTooDeep(ValueError):
    """HTML too deep, too large or too broken to parse; the message is the Swedish reason."""


def parse_html(markup: str) -> BeautifulSoup:
    if problem := html_problem(markup):
        raise HtmlTooDeep(problem)
    return BeautifulSoup(markup, "html.parser")


def html_to_text(markup: str) -> str:
    """Render HTML as the text form: blocks become lines, paragraph blocks blank lines.

    Label/value pairs (<dt>/<dd>, <th>/<td>, block <div>s) each land on their own line, so the
    result reads like the site's text export and goes through the same line parser. Raises
    `HtmlTooDeep` for markup nested deeper than MAX_HTML_DEPTH (or refused by `html_problem`).
    """
    return soup_to_text(parse_html(markup))


def soup_to_text(soup: BeautifulSoup) -> str:
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


# --- Streams and files -------------------------------------------------------------------------

CHUNK_BYTES = 1024 * 1024


def stream_encoding(stream: BinaryIO) -> tuple[str, int, list[str]]:
    """(codec, offset of the text, warnings): the file decoded once, chunk by chunk.

    Raises `Unreadable` for an empty, binary or undecodable stream, with the reasons `decode`
    gives for the same bytes.
    """
    stream.seek(0)
    marked = bom_encoding(stream.read(4))
    if marked:
        codec, name, start = marked
        candidates = [(codec, start)]
    else:
        candidates = [("utf-8-sig", 0), ("cp1252", 0)]
    for codec, start in candidates:
        stream.seek(start)
        decoder = codecs.getincrementaldecoder(codec)()
        length = controls = 0
        blank = True
        try:
            while True:
                chunk = stream.read(CHUNK_BYTES)
                if not marked and b"\x00" in chunk:
                    raise Unreadable(SKIP_BINARY)
                text = decoder.decode(chunk, final=not chunk)
                if marked and "\x00" in text:
                    raise Unreadable(SKIP_BINARY)
                length += len(text)
                controls += control_characters(text)
                blank = blank and (not text or text.isspace())
                if not chunk:
                    break
        except UnicodeDecodeError as exc:
            if marked:
                reason = SKIP_BAD_UNICODE.format(encoding=name, detail=exc.reason)
                raise Unreadable(reason) from None
            continue  # not UTF-8: try Windows-1252; not that either: binary
        if blank:
            raise Unreadable(SKIP_EMPTY)
        if controls > length * 0.05:
            raise Unreadable(SKIP_BINARY)
        return codec, start, [WARN_CP1252] if codec == "cp1252" else []
    raise Unreadable(SKIP_BINARY)


def source_files(path: Path, suffixes) -> list[Path]:
    """The file itself, or the files below a directory with one of `suffixes`, sorted."""
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
    if path.is_file():
        return [path]
    raise FileNotFoundError(path)
