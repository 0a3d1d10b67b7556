"""News of decisions: the decisions a news text or a press release announces, as proposals.

Two shapes are read. A press release lists decisions one to a line under each call
("Eskilstuna kommun får 4,2 miljoner kronor till projektet Unga i jobb (UIJ)", under
"Utlysning: …" and "Utlyst belopp: …"). A news text tells of one project ("Samverkansprojektet
Sammansatt problematik i Kronobergs län (SpiK) har fått drygt 15,5 miljoner kr från Europeiska
socialfonden"): its name, owner, budget, new end date and who decided are read from the
sentences around the decision. Quotes ("… säger …") and background ("har pågått sedan 2017",
"Hittills har 260 personer …") give no decisions. Every value keeps the sentence it came from.

Nothing here is a decision yet: a caseworker confirms each proposal, with the exact amounts of
the decision letter. Pure Python: no Django.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from . import values
from .text import (
    HtmlTooDeep,
    Unreadable,
    decode,
    looks_like_html,
    parse_html,
    soup_to_text,
    source_files,
)

SUFFIXES = (".txt", ".html", ".htm")
MAX_TEXT_BYTES = 5 * 1024 * 1024

GRANT, EXTENSION, CHANGE = "grant", "extension", "change"
"""The kinds of decision a text announces (as `Decision.Kind`)."""

EXACT, ROUNDED, APPROXIMATE = "exact", "rounded", "approximate"
"""An amount's precision: whole kronor; rounded to the digits written ("12,4 miljoner"); or
qualified ("drygt", "knappt", "närmare", "cirka")."""

DAY, MONTH = "day", "month"
"""A date's precision: "31 oktober 2021" / "2021-10-31", or "oktober 2021" (the month's end)."""

SKIP_NO_DECISION = "Ingen beslutsnyhet: texten nämner inget beviljat belopp."
SKIP_TOO_LARGE = "Filen är större än 5 MB och lästes inte."

_SPACE = r"[ \u00a0\u2009\u202f]"
_NUMBER = rf"\d{{1,3}}(?:{_SPACE}\d{{3}})+|\d+"
_APPROXIMATE_WORDS = (
    "drygt",
    "knappt",
    "närmare",
    "nära",
    "cirka",
    "ca",
    "omkring",
    "ungefär",
    "runt",
    "nästan",
    "över",
    "strax över",
    "strax under",
    "mer än",
    "minst",
)
_QUALIFIER = "|".join(re.escape(word) for word in sorted(_APPROXIMATE_WORDS, key=len, reverse=True))
_UNITS = {
    "miljarder": 1_000_000_000,
    "miljard": 1_000_000_000,
    "miljoner": 1_000_000,
    "miljon": 1_000_000,
    "mnkr": 1_000_000,
    "mkr": 1_000_000,
    "msek": 1_000_000,
    "tkr": 1_000,
    "tusen": 1_000,
}
_UNIT = "|".join(sorted(_UNITS, key=len, reverse=True))
_AMOUNT_RE = re.compile(
    rf"(?<![\w,.])(?:(?P<qualifier>{_QUALIFIER})\.?{_SPACE}+)?"
    rf"(?P<number>{_NUMBER})(?:,(?P<decimals>\d+))?"
    rf"(?:{_SPACE}*(?P<unit>{_UNIT})\b)?"
    rf"(?:{_SPACE}*(?P<currency>kronor|kr\b\.?|sek\b))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Amount:
    """An amount as a text writes it and as a number of kronor, with its precision."""

    written: str
    value: int
    precision: str
    qualifier: str = ""

    @property
    def is_exact(self) -> bool:
        return self.precision == EXACT


def read_amounts(sentence: str) -> list[tuple[Amount, int, int]]:
    """Every amount of money in a sentence, with where it starts and ends.

    A number counts as money with a unit ("15,5 miljoner", "24 mnkr") or a currency ("3 000 000
    kr"); "300 deltagare" and "2017" do not.
    """
    found = []
    for match in _AMOUNT_RE.finditer(sentence):
        unit = (match["unit"] or "").lower()
        if not unit and not match["currency"]:
            continue
        if unit in ("mnkr", "mkr", "msek", "tkr") and match["currency"]:
            continue  # "24 mnkr kr" is not how money is written
        number = Decimal(re.sub(_SPACE, "", match["number"]) + "." + (match["decimals"] or "0"))
        value = int(number * _UNITS.get(unit, 1))
        qualifier = (match["qualifier"] or "").lower()
        if qualifier:
            precision = APPROXIMATE
        elif unit or match["decimals"]:
            precision = ROUNDED
        else:
            precision = EXACT
        written = " ".join(match[0].split())
        found.append((Amount(written, value, precision, qualifier), match.start(), match.end()))
    return found


def read_amount(text: str) -> Amount | None:
    """The first amount of money in `text`, or None."""
    amounts = read_amounts(text)
    return amounts[0][0] if amounts else None


_MONTHS = "|".join(values.SWEDISH_MONTHS)
_END_DATE_RE = re.compile(
    rf"\btill(?:{_SPACE}+och{_SPACE}+med|{_SPACE}+t\.o\.m\.)?{_SPACE}+(?:"
    rf"(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})"
    rf"|(?:(?P<day>\d{{1,2}}){_SPACE}+)?(?P<month>{_MONTHS}){_SPACE}+(?P<year>20\d\d))",
    re.IGNORECASE,
)


def read_end_date(sentence: str) -> tuple[date, str] | None:
    """ "till oktober 2021" → (2021-10-31, MONTH); "till och med 31 mars 2022" → (…, DAY)."""
    match = _END_DATE_RE.search(sentence)
    if not match:
        return None
    try:
        if match["iso"]:
            return date.fromisoformat(match["iso"]), DAY
        year, month = int(match["year"]), values.SWEDISH_MONTHS[match["month"].lower()]
        if match["day"]:
            return date(year, month, int(match["day"])), DAY
        return date(year, month, calendar.monthrange(year, month)[1]), MONTH
    except ValueError:
        return None


@dataclass(frozen=True)
class ProposedDecision:
    """One decision a text announces; `evidence` maps each value's name to its sentence."""

    source: str
    kind: str
    project_name: str = ""
    acronym: str = ""
    organisation: str = ""
    amount: Amount | None = None
    total_budget: Amount | None = None
    new_end_date: date | None = None
    end_date_precision: str = ""
    decided_by: str = ""
    call: str = ""
    call_amount: Amount | None = None
    text_date: date | None = None
    partners: tuple[str, ...] = ()
    evidence: dict[str, str] = field(default_factory=dict)


@dataclass
class NewsResult:
    """What one file yields: its decisions, or why it gave none; and its content hash."""

    source: str
    decisions: list[ProposedDecision]
    skipped: str = ""
    warnings: list[str] = field(default_factory=list)
    content_hash: str = ""
    unreadable: bool = False


# --- Sentences ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sentence:
    text: str
    paragraph: int
    quote: bool
    background: bool


_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[-–—\"”A-ZÅÄÖ0-9])")
_QUOTE_START_RE = re.compile(r"^[-–—\"”»]\s*")
_SAYS_RE = re.compile(r"\bsäger\b|\bsa\s+[A-ZÅÄÖ]|\bmenar\s+[A-ZÅÄÖ]")
_BACKGROUND_RE = re.compile(
    r"\bhar pågått\b|\bsedan (?:starten|20\d\d|19\d\d)\b|\bhittills\b|\btidigare\b"
    r"|\bunder (?:förra|föregående)\b|\bförra (?:året|perioden)\b",
    re.IGNORECASE,
)
_BOILERPLATE_RE = re.compile(r"^(?:skriv ut|dela|senast uppdaterad\b.*|publicerad\b.*)$", re.I)


def _paragraphs(text: str) -> list[list[str]]:
    """Paragraphs (blank-line separated) of lines."""
    paragraphs, current = [], []
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line:
            if current:
                paragraphs.append(current)
            current = []
        else:
            current.append(line)
    if current:
        paragraphs.append(current)
    return paragraphs


def _sentences(paragraphs: list[list[str]]) -> list[_Sentence]:
    """The sentences of the text, each marked as a quote or background."""
    sentences = []
    for number, lines in enumerate(paragraphs):
        joined = " ".join(lines)
        in_quote = bool(_QUOTE_START_RE.match(joined)) or bool(_SAYS_RE.search(joined))
        for line in lines:
            for piece in _SENTENCE_END_RE.split(line):
                piece = piece.strip()
                if not piece or _BOILERPLATE_RE.match(piece):
                    continue
                quote = in_quote or bool(_SAYS_RE.search(piece))
                sentences.append(
                    _Sentence(piece, number, quote, bool(_BACKGROUND_RE.search(piece)))
                )
    return sentences


# --- Who decided --------------------------------------------------------------------------------

_CAPITALISED = r"[A-ZÅÄÖ][\wåäöÅÄÖ-]*"
_PARTNERSHIP_RE = re.compile(
    rf"[Ss]trukturfondspartnerskapet(?:{_SPACE}+(?P<prep>för|i))?{_SPACE}+"
    rf"(?P<region>{_CAPITALISED}(?:{_SPACE}+(?:och|&){_SPACE}+{_CAPITALISED}"
    rf"|{_SPACE}+{_CAPITALISED})*)"
)
_COUNCIL_RE = re.compile(r"\b(?:Svenska\s+)?ESF-rådet\b")
COUNCIL = "Svenska ESF-rådet"


def _decided_by(sentences: list[_Sentence]) -> tuple[str, str]:
    """(who decided, the sentence) from the text outside quotes: a structural fund partnership
    where one is named, else the ESF council where it is named."""
    for sentence in sentences:
        if sentence.quote:
            continue
        match = _PARTNERSHIP_RE.search(sentence.text)
        if match:
            prep = f"{match['prep']} " if match["prep"] else ""
            return f"Strukturfondspartnerskapet {prep}{match['region']}", sentence.text
    for sentence in sentences:
        if not sentence.quote and _COUNCIL_RE.search(sentence.text):
            return COUNCIL, sentence.text
    return "", ""


# --- Names, owners, partners ---------------------------------------------------------------------

_ACRONYM_RE = re.compile(r"\s*\((?P<acronym>[A-ZÅÄÖ][\wÅÄÖåäö&-]{1,19})\)")
_NOT_ACRONYMS = frozenset({"ESF", "EU", "ESF+", "EUSF"})
_GENERIC_PREFIX_RE = re.compile(r"^(?:[\wåäöÅÄÖ]*-)?[\wåäöÅÄÖ]*projektet\s+", re.IGNORECASE)
_NOT_NAMES = frozenset({"projektet", "det", "den", "de", "vi", "hon", "han", "insatsen"})
_VERB = r"(?:har\s+fått|får|har\s+beviljats|beviljas|har\s+tilldelats|tilldelas)"
_SUBJECT_VERB_RE = re.compile(rf"^(?P<subject>[A-ZÅÄÖ][^,]*?)\s+{_VERB}\b")
_APPOSITION_RE = re.compile(
    r"^(?P<name>[A-ZÅÄÖ][^,]{2,150}?),\s+(?:ett|en)\s+[\wåäö-]*(?:projekt|satsning|insats)\b"
)
_IS_A_PROJECT_RE = re.compile(
    r"^(?P<name>[A-ZÅÄÖ][^,]{2,150}?)\s+är\s+ett\s+(?:[\wåäö-]+\s+)?[\wåäö-]*projekt\b"
)
_OWNER_RES = (
    re.compile(
        r"\b(?:ägs|drivs)\s+av\s+(?P<org>[A-ZÅÄÖ].+?)(?=\s+och\s+(?:har|är|ska|drivs|ägs)\b"
        r"|\s+som\b|,|\.|$)"
    ),
    re.compile(r"\b[Pp]rojektägare\s+(?:är\s+)?(?P<org>[A-ZÅÄÖ].+?)(?=,|\.|$)"),
    re.compile(r"^(?P<org>[A-ZÅÄÖ].+?)\s+är\s+projektägare\b"),
)
_PARTNERS_RE = re.compile(
    r"\b(?:i\s+samverkan\s+med|tillsammans\s+med|samverkansparter\s+är|samverkansparterna\s+är"
    r"|samverkansparter:)\s+(?P<intro>[^;:]*?[;:])?\s*(?P<list>[A-ZÅÄÖ][^.]+)"
)
_ORGANISATION_WORDS_RE = re.compile(
    r"(?:kommun|region|län|landsting|förbund|förening|stiftelse|universitet|högskola|ab|"
    r"arbetsförmedlingen|försäkringskassan|samordningsförbund\w*|myndighet\w*|verket)\b",
    re.IGNORECASE,
)


def _split_name(subject: str) -> tuple[str, str]:
    """(name, acronym) from "Samverkansprojektet Sammansatt problematik i Kronobergs län (SpiK)"."""
    acronym = ""
    match = _ACRONYM_RE.search(subject)
    if match and match["acronym"].upper() not in _NOT_ACRONYMS:
        acronym = match["acronym"]
        subject = subject[: match.start()] + subject[match.end() :]
    subject = _ACRONYM_RE.sub("", subject).strip(" ,.")
    subject = _GENERIC_PREFIX_RE.sub("", subject).strip(' ,.”"')
    return subject, acronym


_TO_PROJECT_RE = re.compile(r"\btill\s+projektet\s+(?P<name>[A-ZÅÄÖ”\"][^,.]*?)(?=\s+som\b|,|\.|$)")


def _granted_to_project(sentences: list[_Sentence]) -> tuple[str, str, str, str]:
    """(organisation, name, acronym, sentence) from "<organisation> har fått <belopp> … till
    projektet <namn>", where a news text names both."""
    for sentence in sentences:
        if sentence.quote:
            continue
        subject, to_project = (
            _SUBJECT_VERB_RE.match(sentence.text),
            _TO_PROJECT_RE.search(sentence.text),
        )
        if subject and to_project and read_amounts(sentence.text):
            name, acronym = _split_name(to_project["name"])
            return subject["subject"].strip(), name, acronym, sentence.text
    return "", "", "", ""


def _project_name(sentences: list[_Sentence]) -> tuple[str, str, str]:
    """(name, acronym, sentence) of the one project a news text tells of."""
    for pattern in (_SUBJECT_VERB_RE, _APPOSITION_RE, _IS_A_PROJECT_RE):
        for sentence in sentences:
            if sentence.quote:
                continue
            match = pattern.match(sentence.text)
            if not match:
                continue
            name, acronym = _split_name(match.groupdict().get("subject") or match["name"])
            if name and name.lower() not in _NOT_NAMES and not _COUNCIL_RE.fullmatch(name):
                return name, acronym, sentence.text
    return "", "", ""


def _owner(sentences: list[_Sentence]) -> tuple[str, str]:
    for sentence in sentences:
        if sentence.quote:
            continue
        for pattern in _OWNER_RES:
            match = pattern.search(sentence.text)
            if match:
                return match["org"].strip(), sentence.text
    return "", ""


def read_partners(sentence: str) -> tuple[str, ...]:
    """The organisations an explicit list names ("i samverkan med sju av länets kommuner;
    Emmaboda kommun, Mönsterås kommun och Torsås kommun"); a list whose items do not all read
    as organisations gives none."""
    match = _PARTNERS_RE.search(sentence)
    if not match:
        return ()
    items = [
        item.strip(" ,.")
        for item in re.split(r",\s*|\s+och\s+|\s+samt\s+", match["list"])
        if item.strip(" ,.")
    ]
    if len(items) < 2 and not match["intro"]:
        return ()
    if not items or not all(
        item[0].isupper() and _ORGANISATION_WORDS_RE.search(item) for item in items
    ):
        return ()
    return tuple(dict.fromkeys(items))


def _partners(sentences: list[_Sentence]) -> tuple[tuple[str, ...], str]:
    for sentence in sentences:
        if sentence.quote:
            continue
        partners = read_partners(sentence.text)
        if partners:
            return partners, sentence.text
    return (), ""


# --- Kinds ---------------------------------------------------------------------------------------

_EXTENSION_RE = re.compile(
    r"\bförläng\w*|\b(?<!i )fortsättning\b|\bförlängs\b|\bfår fortsätta\b", re.IGNORECASE
)
_CHANGE_RE = re.compile(r"\butök\w*|\bändring\w*|\bändrat\b|\bytterligare\b", re.IGNORECASE)


def _kind(texts: list[str]) -> str:
    joined = " ".join(texts)
    if _EXTENSION_RE.search(joined):
        return EXTENSION
    if _CHANGE_RE.search(joined):
        return CHANGE
    return GRANT


# --- Decisions -----------------------------------------------------------------------------------

_DECISION_VERB_RE = re.compile(
    r"\b(?:fått|får|beviljat|beviljats|beviljas|beviljar|bevilja|ger|tilldelats|tilldelas)\b",
    re.IGNORECASE,
)
_BUDGET_RE = re.compile(r"\b(?:total\w*\s+budget|budgeten|projektbudget\w*|omsluter)\b", re.I)
_SUMMARY_RE = re.compile(
    r"\btill\s+(?:\d+|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|\w+tal)\s+"
    r"(?:nya\s+)?(?:projekt|insatser)\b",
    re.IGNORECASE,
)
_LIST_LINE_RE = re.compile(
    rf"^(?:[-•*]\s*)?(?P<org>[A-ZÅÄÖ][^.:]*?)\s+{_VERB}\s+(?P<amount>.+?)\s+"
    r"(?:i\s+stöd\s+|från\s+\S+(?:\s+socialfonden)?\s+)?till\s+(?:projektet|satsningen|insatsen)"
    r"\s+(?P<project>[^.!?]+?)\.?$"
)
_CALL_RE = re.compile(r"^(?:Utlysning(?:en)?|Utlysningens namn)\s*:?\s+(?P<call>.+?)\.?$", re.I)
_CALL_AMOUNT_RE = re.compile(r"^Utlyst\s+belopp\s*:?\s*(?P<amount>.+)$", re.IGNORECASE)
_PUBLISHED_RE = re.compile(
    rf"^(?:Publicerad|Pressmeddelande|Datum)\s*:?\s*(?:(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})"
    rf"|(?P<day>\d{{1,2}})\s+(?P<month>{_MONTHS})\s+(?P<year>\d{{4}}))",
    re.IGNORECASE,
)


def _text_date(text: str) -> tuple[date | None, str]:
    """The day the text states: "Senast uppdaterad: 8 juni 2020", else "Publicerad …"."""
    for line in text.splitlines():
        found = values.parse_updated(line)
        if found:
            return found, " ".join(line.split())
    for line in text.splitlines():
        match = _PUBLISHED_RE.match(line.strip())
        if not match:
            continue
        try:
            if match["iso"]:
                return date.fromisoformat(match["iso"]), line.strip()
            month = values.SWEDISH_MONTHS[match["month"].lower()]
            return date(int(match["year"]), month, int(match["day"])), line.strip()
        except ValueError:
            continue
    return None, ""


def _list_decisions(
    paragraphs: list[list[str]], common: dict, source: str
) -> list[ProposedDecision]:
    """One decision per line "<organisation> får <belopp> till projektet <namn>", with the call
    (and its amount) it is listed under."""
    decisions = []
    call, call_line, call_amount, call_amount_line, heading = "", "", None, "", ""
    for lines in paragraphs:
        quote = bool(_QUOTE_START_RE.match(lines[0])) or any(_SAYS_RE.search(x) for x in lines)
        for line in lines:
            if match := _CALL_RE.match(line):
                call, call_line, call_amount, call_amount_line = match["call"], line, None, ""
                continue
            if match := _CALL_AMOUNT_RE.match(line):
                call_amount, call_amount_line = read_amount(match["amount"]), line
                if not call and heading:
                    call, call_line = heading, heading
                continue
            match = None if quote else _LIST_LINE_RE.match(line)
            amount = read_amount(match["amount"]) if match else None
            if amount is None:
                if not line.endswith((".", "!", "?")) and ":" not in line and len(line) <= 200:
                    heading = line
                continue
            name, acronym = _split_name(re.split(r",\s|\s+som\s", match["project"])[0])
            end = read_end_date(line)
            evidence = {
                "organisation": line,
                "project_name": line,
                "amount": line,
                **common["evidence"],
            }
            if call:
                evidence["call"] = call_line
            if call_amount:
                evidence["call_amount"] = call_amount_line
            if end:
                evidence["new_end_date"] = line
            decisions.append(
                ProposedDecision(
                    source=source,
                    kind=_kind([line]),
                    project_name=name,
                    acronym=acronym,
                    organisation=match["org"].strip(),
                    amount=amount,
                    new_end_date=end[0] if end else None,
                    end_date_precision=end[1] if end else "",
                    decided_by=common["decided_by"],
                    call=call,
                    call_amount=call_amount,
                    text_date=common["text_date"],
                    evidence=evidence,
                )
            )
    return decisions


def _story_decisions(
    sentences: list[_Sentence], common: dict, source: str
) -> list[ProposedDecision]:
    """The decisions of a text that tells of one project: one per distinct amount granted."""
    told = [s for s in sentences if not s.quote]
    granted_by, name, acronym, name_sentence = _granted_to_project(told)
    if not name:
        name, acronym, name_sentence = _project_name(told)
    owner, owner_sentence = _owner(told)
    if not owner and granted_by:
        owner, owner_sentence = granted_by, name_sentence
    partners, partners_sentence = _partners(told)
    budget, budget_sentence = None, ""
    granted: dict[int, tuple[Amount, list[str]]] = {}
    for sentence in told:
        amounts = read_amounts(sentence.text)
        if not amounts:
            continue
        budget_at = _BUDGET_RE.search(sentence.text)
        if budget_at:
            after = [amount for amount, start, _end in amounts if start > budget_at.start()]
            if after and budget is None:
                budget, budget_sentence = after[0], sentence.text
            continue
        if sentence.background or _SUMMARY_RE.search(sentence.text):
            continue
        if not _DECISION_VERB_RE.search(sentence.text):
            continue
        amount = amounts[0][0]
        if amount.value in granted:
            granted[amount.value][1].append(sentence.text)
        else:
            granted[amount.value] = (amount, [sentence.text])
    lead = [s.text for s in told if s.paragraph <= 1]
    decisions = []
    for amount, said in granted.values():
        end = None
        end_sentence = ""
        for text in said + [s.text for s in told if _EXTENSION_RE.search(s.text)]:
            if found := read_end_date(text):
                end, end_sentence = found, text
                break
        evidence = {"amount": said[0], **common["evidence"]}
        kind_texts = said + [t for t in lead if _EXTENSION_RE.search(t) and name and name in t]
        for key, sentence_text in (
            ("project_name", name_sentence),
            ("organisation", owner_sentence),
            ("total_budget", budget_sentence),
            ("new_end_date", end_sentence),
            ("partners", partners_sentence),
        ):
            if sentence_text:
                evidence[key] = sentence_text
        kind = _kind(kind_texts)
        evidence["kind"] = next((t for t in kind_texts if _kind([t]) == kind), said[0])
        decisions.append(
            ProposedDecision(
                source=source,
                kind=kind,
                project_name=name,
                acronym=acronym,
                organisation=owner,
                amount=amount,
                total_budget=budget,
                new_end_date=end[0] if end else None,
                end_date_precision=end[1] if end else "",
                decided_by=common["decided_by"],
                text_date=common["text_date"],
                partners=partners,
                evidence=evidence,
            )
        )
    return decisions


def parse_text(text: str, *, source: str) -> list[ProposedDecision]:
    """The decisions a news text or press release (as text) announces."""
    paragraphs = _paragraphs(text)
    sentences = _sentences(paragraphs)
    decided_by, decided_by_sentence = _decided_by(sentences)
    text_date, date_line = _text_date(text)
    evidence = {}
    if decided_by_sentence:
        evidence["decided_by"] = decided_by_sentence
    if date_line:
        evidence["text_date"] = date_line
    common = {"decided_by": decided_by, "text_date": text_date, "evidence": evidence}
    listed = _list_decisions(paragraphs, common, source)
    return listed or _story_decisions(sentences, common, source)


def content_hash(text: str) -> str:
    """SHA-256 of the text with its whitespace normalised: the same news saved twice (or as
    text and as HTML of the same words) hashes alike."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def parse_bytes(data: bytes, *, source: str) -> NewsResult:
    """Parse one file's bytes (text or saved HTML)."""
    name = Path(source).name
    try:
        if len(data) > MAX_TEXT_BYTES:
            raise Unreadable(SKIP_TOO_LARGE)
        text, warnings = decode(data)
        if looks_like_html(text):
            try:
                text = soup_to_text(parse_html(text))
            except HtmlTooDeep as exc:
                raise Unreadable(str(exc)) from None
    except Unreadable as skip:
        return NewsResult(name, [], str(skip), unreadable=True)
    decisions = parse_text(text, source=name)
    return NewsResult(
        name,
        decisions,
        "" if decisions else SKIP_NO_DECISION,
        warnings,
        content_hash(text),
    )


def parse_path(path: Path) -> list[NewsResult]:
    """Parse a file, or every *.txt/*.html/*.htm file below a directory, in sorted order."""
    results = []
    for file in source_files(path, SUFFIXES):
        try:
            data = file.read_bytes()
        except OSError as exc:
            results.append(
                NewsResult(
                    file.name, [], f"Filen kunde inte läsas: {exc.strerror}.", unreadable=True
                )
            )
            continue
        results.append(parse_bytes(data, source=str(file)))
    return results
