"""The export columns, declared once for CSV, JSON and XLSX, in Python and in SQL.

A column has its headers (Swedish, English), its JSON key (a dotted key nests: `region.code`),
its kind (how the formats write it) and how its value is read: the `values_list` paths Python
fetches (`fields`) with the function that turns them into the value (`python`), and the same
value as an SQL expression (`sql`, for PostgreSQL's COPY). Derived values (status, ESF share,
project page) are defined here and nowhere else; the formats only know kinds.

Kinds: `text`, `name` (text, a wider XLSX column), `int`, `decimal`, `date`, `bool`, and
`status` (a code: `upcoming`, `ongoing`, `finished`; CSV and XLSX write it as a word).

A code-list column (`code_column`) reads one attribute of a project's programme, region, county,
programme area, specific objective or intervention field (`dimensions.DIMENSIONS`): in Python
through a `Lookup` over the code lists already loaded, in SQL through the join.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from django.db.models import Case, F, TextField, Value, When
from django.db.models.functions import Coalesce, Concat, NullIf

from ..dimensions import BY_NAME, Dimension
from ..models import Project, esf_share, esf_share_sql, status_case, status_on
from ..queries import ReferenceLists


class Context(Protocol):
    """What a value depends on besides the project; `Export` provides it."""

    lang: str  # "sv" or "en"
    today: datetime.date  # the day statuses hold on
    url_prefix: str  # the project page is url_prefix + slug + url_suffix
    url_suffix: str
    reference: ReferenceLists  # the code lists the filter loaded


Reader = Callable[..., Any]


@dataclass(frozen=True)
class Column:
    sv: str  # Swedish header
    en: str  # English header
    key: str  # the JSON key; dotted = nested
    kind: str = "text"
    # values_list paths Python reads; default: the key, `owner.name` as `owner__name`
    fields: tuple[str, ...] = ()
    # per export: a function from the fields' values to the value; default: the one field's
    python: Callable[[Context], Reader] | None = None
    # per export: the value as an SQL expression; default: the one field
    sql: Callable[[Context], Any] | None = None
    dimension: Dimension | None = None  # set on a code-list column
    attr: str = ""  # the code-list row's attribute a code-list column shows

    def __post_init__(self) -> None:
        if not self.fields:
            object.__setattr__(self, "fields", (self.key.replace(".", "__"),))

    @property
    def head(self) -> str:
        """The JSON key at the top level (`region` for `region.code`)."""
        return self.key.partition(".")[0]

    def reader(self, context: Context) -> Reader | None:
        """The function from the fetched fields to the value (a `Lookup` for a code list),
        or None when the value is the one field as fetched."""
        return self.python(context) if self.python else None

    def expression(self, context: Context):
        """The value as an SQL expression on the project."""
        return self.sql(context) if self.sql else F(self.fields[0])


class Lookup(dict):
    """id → value of a code-list row, called like a function; None (no row) → `empty`. A row
    added since the lists were loaded is read once."""

    def __init__(self, model, values: dict, value: Callable[[Any], Any]) -> None:
        super().__init__(values)
        self.model, self.value = model, value

    __call__ = dict.__getitem__

    @classmethod
    def of(cls, model, rows: Iterable, value: Callable[[Any], Any], *, empty: Any = None):
        return cls(model, {None: empty, **{row.pk: value(row) for row in rows}}, value)

    def __missing__(self, pk):
        row = self.model.objects.filter(pk=pk).first()
        self[pk] = result = self.value(row) if row else self[None]
        return result

    def then(self, render: Callable[[Any], Any]) -> Lookup:
        """The same lookup with `render` applied to every value, once per code-list row."""
        value = self.value
        return Lookup(
            self.model, {pk: render(v) for pk, v in self.items()}, lambda row: render(value(row))
        )


# --- code lists ------------------------------------------------------------------------------
def code_value(row, attr: str, lang: str) -> Any:
    """One attribute of a code-list row as the export shows it."""
    if attr == "name":
        return row.name(lang)  # falls back to the other language when one is missing
    if attr == "nuts2":
        # The national level ("ESF-Nationellt") has a region code but no NUTS-2 code
        return None if row.is_national else row.code
    return getattr(row, attr)


def code_sql(dimension: Dimension, attr: str, lang: str):
    """`code_value` through the project's join to its code-list row."""
    path = dimension.name
    if attr == "name":
        first, second = ("name_en", "name_sv") if lang == "en" else ("name_sv", "name_en")
        return Coalesce(
            NullIf(F(f"{path}__{first}"), Value("")),
            NullIf(F(f"{path}__{second}"), Value("")),
            output_field=TextField(),
        )
    if attr == "nuts2":
        return Case(
            When(**{f"{path}__is_national": True}, then=Value(None)),
            default=F(f"{path}__code"),
            output_field=TextField(),
        )
    return F(f"{path}__{attr}")


def code_json(row, attrs: Iterable[str]) -> dict[str, Any]:
    """A code-list row as a JSON object: the attributes, a name as `name_sv` and `name_en`."""
    result: dict[str, Any] = {}
    for attr in attrs:
        if attr == "name":
            result["name_sv"], result["name_en"] = row.name_sv, row.name_en
        else:
            result[attr] = code_value(row, attr, "sv")
    return result


def code_column(sv: str, en: str, name: str, attr: str, kind: str = "text") -> Column:
    dimension = BY_NAME[name]

    def python(context: Context) -> Lookup:
        rows = context.reference.rows(name)
        lang = context.lang
        return Lookup.of(dimension.model, rows, lambda row: code_value(row, attr, lang))

    return Column(
        sv,
        en,
        f"{name}.{attr}",
        kind,
        fields=(dimension.column,),
        python=python,
        sql=lambda context: code_sql(dimension, attr, context.lang),
        dimension=dimension,
        attr=attr,
    )


# --- derived values ----------------------------------------------------------------------------
def _status(context: Context) -> Reader:
    return partial(status_on, at=context.today)


def _share(context: Context) -> Reader:
    return esf_share


def _url(context: Context) -> Reader:
    def literal(text: str) -> str:
        return text.replace("{", "{{").replace("}", "}}")

    # str.format of "prefix{}suffix": the same as prefix + slug + suffix, without a Python call
    return (literal(context.url_prefix) + "{}" + literal(context.url_suffix)).format


def _url_sql(context: Context):
    return Concat(Value(context.url_prefix), F("slug"), Value(context.url_suffix))


# The one column spec. `owner.x` is read through the join, code lists from memory; the
# decision count and date are kept on the project by services.
COLUMNS: list[Column] = [
    Column("Diarienummer", "Diary number", "diary_number"),
    Column("Projektnamn", "Project name", "name"),
    code_column("Programkod", "Programme code", "programme", "code"),
    code_column("Program", "Programme", "programme", "name", "name"),
    code_column("CCI-nummer", "CCI", "programme", "cci"),
    code_column("Fond", "Fund", "programme", "fund"),
    Column("Projektägare", "Project owner", "owner.name"),
    Column("Organisationsnummer", "Organisation number", "owner.org_number"),
    Column("Projektägarens enhet", "Owner unit", "owner_unit"),
    code_column("Regionkod", "Region code", "region", "code"),
    code_column("Region", "Region", "region", "name", "name"),
    code_column("NUTS-2-kod", "NUTS-2 code", "region", "nuts2"),
    Column("Ort", "City", "city"),
    Column("Postnummer", "Postcode", "postcode"),
    Column("Startdatum", "Start date", "start_date", "date"),
    Column("Slutdatum", "End date", "end_date", "date"),
    Column(
        "Status",
        "Status",
        "status",
        "status",
        fields=("start_date", "end_date"),
        python=_status,
        sql=lambda context: status_case(context.today),
    ),
    Column("Total projektbudget (kr)", "Total budget (SEK)", "total_budget", "int"),
    Column("Beviljat ESF-stöd (kr)", "Granted ESF support (SEK)", "esf_grant", "int"),
    Column(
        "Unionens medfinansieringsgrad (%)",
        "EU co-financing rate (%)",
        "cofinancing_rate",
        "decimal",
    ),
    Column(
        "ESF-stödets andel av budgeten (%)",
        "ESF share of budget (%)",
        "esf_share_of_budget",
        "decimal",
        fields=("esf_grant", "total_budget"),
        python=_share,
        sql=lambda context: esf_share_sql(),
    ),
    code_column("Programområde, kod", "Programme area code", "programme_area", "code"),
    code_column("Programområde", "Programme area", "programme_area", "name", "name"),
    code_column("Specifikt mål, kod", "Specific objective code", "specific_objective", "code"),
    code_column("Specifikt mål", "Specific objective", "specific_objective", "name", "name"),
    code_column("Interventionstyp, kod", "Intervention type code", "intervention_field", "code"),
    code_column("Interventionstyp", "Intervention type", "intervention_field", "name", "name"),
    Column("Planerat antal deltagare", "Planned participants", "planned_participants", "int"),
    Column("Deltagarmål", "Participant goal", "participant_goal", "int"),
    Column(
        "Sekundärtema – motverka barnfattigdom",
        "Secondary theme: child poverty",
        "child_poverty_theme",
        "bool",
    ),
    Column(
        "Insats av strategisk betydelse", "Strategic importance", "strategic_importance", "bool"
    ),
    Column("Antal beslut", "Number of decisions", "decision_count", "int"),
    Column("Senaste beslutsdatum", "Last decision date", "last_decision_date", "date"),
    Column("Beskrivning", "Description", "description"),
    Column("Projektsida", "Project page", "url", fields=("slug",), python=_url, sql=_url_sql),
    # Columns added later go last, so that those before keep their places for existing
    # spreadsheets.
    Column("Demodata", "Demo data", "is_demo", "bool"),
    code_column("Länskod (NUTS-3)", "County code (NUTS-3)", "county", "code"),
    code_column("Län", "County", "county", "name", "name"),
]

# Words in CSV and XLSX cells, in the export's language (data, like the headers; not the UI).
STATUS_TEXT = {
    Project.Status.UPCOMING: ("Kommande", "Upcoming"),
    Project.Status.ONGOING: ("Pågående", "Ongoing"),
    Project.Status.FINISHED: ("Avslutat", "Finished"),
}
BOOL_TEXT = {True: ("Ja", "Yes"), False: ("Nej", "No")}


def words(kind: str, lang: str) -> dict[Any, str]:
    """The words a `status` or `bool` value is written as in CSV and XLSX."""
    english = lang == "en"
    table = STATUS_TEXT if kind == "status" else BOOL_TEXT
    return {value: pair[english] for value, pair in table.items()}


def nested(columns: Iterable[Column] = COLUMNS) -> dict[str, list[Column]]:
    """The columns by their JSON key's head, in order; a dotted key's columns share one head."""
    groups: dict[str, list[Column]] = {}
    for column in columns:
        groups.setdefault(column.head, []).append(column)
    return groups


def runs(columns: Iterable[Column] = COLUMNS) -> list[tuple[str, ...]]:
    """Fields read together: a column's several fields, a nested object's project fields."""
    columns = list(columns)
    result = [column.fields for column in columns if len(column.fields) > 1]
    for group in nested(columns).values():
        if "." in group[0].key and group[0].dimension is None:
            result.append(tuple(path for column in group for path in column.fields))
    return result


def fetch_paths(columns: Iterable[Column] = COLUMNS) -> list[str]:
    """The values_list paths the columns read, each once: fields read together side by side
    (first), so that a row's values for one column are a slice of it; then the rest in column
    order."""
    columns = list(columns)
    paths: list[str] = []
    for run in runs(columns):
        if any(path in paths for path in run):
            raise ValueError(f"fields {run} are also read together with others")
        paths += run
    for column in columns:
        paths += [path for path in column.fields if path not in paths]
    return paths
