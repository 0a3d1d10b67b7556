"""The registry's data model: reference code lists, organisations, projects and their decisions.

Money is whole kronor (`BigIntegerField`; the sources have no öre), rates are percent. A project's
ESF grant, total budget and end date are the sum / latest of its decisions; `services.py` keeps
them so, and the constraints below hold whatever writes to the database.
"""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.functions import Cast, NullIf, Round
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import dimensions, validators
from .language import is_english
from .language import lang as language_of


class HttpsURLField(models.URLField):
    """URL field whose form adds https:// (not http://) to an address typed without a scheme."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class OrgNumberFormField(forms.CharField):
    def to_python(self, value):
        return validators.normalise_org_number(super().to_python(value)) or None


class OrgNumberField(models.CharField):
    """Ten digits; accepts the spellings people type (802518-5011, 16802518-5011)."""

    def to_python(self, value):
        value = super().to_python(value)
        return validators.normalise_org_number(value) or None if value is not None else None

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": OrgNumberFormField, "max_length": 13, **kwargs})


def missing_name(code: str, lang: str | None = None) -> str:
    """How a code-list row without a name in either language is shown: "kod 146 (namn saknas)".

    The one place that says so; `lang` is "sv" or "en" (default: the active language).
    """
    with translation.override(language_of(lang)):
        return gettext("kod %(code)s (namn saknas)") % {"code": code}


class NamedCode(models.Model):
    """A row of an official code list with Swedish and English names (either may be unknown)."""

    code = models.CharField(_("kod"), max_length=20)
    name_sv = models.CharField(_("namn (svenska)"), max_length=500, blank=True)
    name_en = models.CharField(_("namn (engelska)"), max_length=500, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label()

    def name(self, lang: str | None = None) -> str:
        """Name in the given (or active) language, falling back to the other one, then ''."""
        english = is_english(lang)
        first, second = (self.name_en, self.name_sv) if english else (self.name_sv, self.name_en)
        return first or second

    def name_or_placeholder(self, lang: str | None = None) -> str:
        """The name as `name()` gives it, or "kod 146 (namn saknas)" when it has none."""
        return self.name(lang) or missing_name(self.code, lang)

    def label(self, lang: str | None = None) -> str:
        """ "146 — name" as lists show a code, or the placeholder when it has no name."""
        name = self.name(lang)
        return f"{self.code} — {name}" if name else missing_name(self.code, lang)

    @property
    def has_name(self) -> bool:
        return bool(self.name_sv or self.name_en)


class Programme(NamedCode):
    """An operational programme: the 2007–2013 and 2014–2020 ESF programmes or the 2021–2027
    ESF+ programme."""

    class Fund(models.TextChoices):
        ESF = "ESF", "ESF"
        ESF_PLUS = "ESF+", "ESF+"

    period = models.CharField(
        _("programperiod"),
        max_length=9,
        unique=True,
        choices=[
            (validators.PERIOD_2007, "2007–2013"),
            (validators.PERIOD_2014, "2014–2020"),
            (validators.PERIOD_2021, "2021–2027"),
        ],
    )
    cci = models.CharField(_("CCI-nummer"), max_length=20, blank=True)
    fund = models.CharField(_("fond"), max_length=4, choices=Fund.choices)
    first_year = models.PositiveSmallIntegerField(_("första år"))
    last_year = models.PositiveSmallIntegerField(_("sista år"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("program")
        ordering = ["first_year"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="programme_code_unique"),
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")), name="programme_years_ordered"
            ),
        ]


class ProgrammeArea(NamedCode):
    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="areas", verbose_name=_("program")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programområde")
        verbose_name_plural = _("programområden")
        ordering = ["programme__first_year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"], name="programme_area_code_unique"
            ),
        ]

    def programme_of(self) -> Programme:
        return self.programme


class SpecificObjective(NamedCode):
    programme_area = models.ForeignKey(
        ProgrammeArea, models.PROTECT, related_name="objectives", verbose_name=_("programområde")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("specifikt mål")
        verbose_name_plural = _("specifika mål")
        ordering = ["programme_area__programme__first_year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme_area", "code"], name="specific_objective_code_unique"
            ),
        ]

    def programme_of(self) -> Programme:
        return self.programme_area.programme


class Region(NamedCode):
    """A NUTS-2 region (SE11…SE33) or the national level that ESF-rådet calls "ESF-Nationellt"."""

    is_national = models.BooleanField(_("nationell nivå"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regioner")
        ordering = ["is_national", "code"]
        constraints = [models.UniqueConstraint(fields=["code"], name="region_code_unique")]


class County(NamedCode):
    """A county (län) as its NUTS-3 code (SE110…SE332), in the NUTS-2 region it belongs to."""

    region = models.ForeignKey(
        Region, models.PROTECT, related_name="counties", verbose_name=_("region")
    )
    scb_code = models.CharField(
        _("länskod (SCB)"), max_length=2, help_text=_("Två siffror, t.ex. 08 för Kalmar län.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("län")
        verbose_name_plural = _("län")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="county_code_unique"),
            models.UniqueConstraint(fields=["scb_code"], name="county_scb_code_unique"),
        ]


class RegionAlias(models.Model):
    """Another spelling the sources use for a region, e.g. "Småland & Öarna" for SE21."""

    region = models.ForeignKey(
        Region, models.CASCADE, related_name="aliases", verbose_name=_("region")
    )
    alias = models.CharField(_("alternativt namn"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("alternativt regionnamn")
        verbose_name_plural = _("alternativa regionnamn")
        ordering = ["alias"]
        constraints = [models.UniqueConstraint(fields=["alias"], name="region_alias_unique")]

    def __str__(self) -> str:
        return self.alias


class InterventionField(NamedCode):
    """Intervention field (interventionstyp) of the EU nomenclature, per programme period."""

    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="intervention_fields", verbose_name=_("program")
    )
    group_en = models.CharField(_("grupp (engelska)"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("interventionstyp")
        verbose_name_plural = _("interventionstyper")
        ordering = ["programme__first_year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"], name="intervention_field_code_unique"
            ),
        ]

    def programme_of(self) -> Programme:
        return self.programme


class LegalForm(models.TextChoices):
    """Legal form as the first digit of a Swedish organisation number tells it (Skatteverket)."""

    ESTATE = "1", _("Dödsbo")
    PUBLIC = "2", _("Stat, region, kommun eller församling")
    FOREIGN = "3", _("Utländskt företag")
    LIMITED_COMPANY = "5", _("Aktiebolag")
    SIMPLE_PARTNERSHIP = "6", _("Enkelt bolag")
    ECONOMIC_ASSOCIATION = "7", _("Ekonomisk förening")
    NON_PROFIT = "8", _("Ideell förening eller stiftelse")
    PARTNERSHIP = "9", _("Handelsbolag eller kommanditbolag")
    SOLE_TRADER = "P", _("Enskild näringsidkare")
    UNKNOWN = "", _("Okänd")


def legal_form_of(org_number: str | None) -> str:
    """Legal form from an organisation number; a month-like third digit means a personal number."""
    if not org_number or len(org_number) != 10 or not org_number.isdigit():
        return LegalForm.UNKNOWN
    if org_number[2] in "01":
        return LegalForm.SOLE_TRADER
    return org_number[0] if org_number[0] in LegalForm.values else LegalForm.UNKNOWN


class Organisation(models.Model):
    name = models.CharField(_("namn"), max_length=300)
    # NULL, not "", when unknown: the number is unique when present.
    org_number = OrgNumberField(  # noqa: DJ001
        _("organisationsnummer"),
        max_length=10,
        null=True,
        blank=True,
        validators=[validators.validate_org_number],
        help_text=_("Tio siffror, t.ex. 8025185011 (bindestreck tas bort)."),
    )
    legal_form = models.CharField(
        _("juridisk form"), max_length=1, choices=LegalForm.choices, blank=True, editable=False
    )
    is_demo = models.BooleanField(_("demodata"), default=False, editable=False)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org_number"], name="organisation_number_unique"),
            models.CheckConstraint(
                condition=Q(org_number__isnull=True) | Q(org_number__regex=r"^[0-9]{10}$"),
                name="organisation_number_ten_digits",
            ),
        ]
        indexes = [models.Index(fields=["legal_form"], name="organisation_legal_form_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.org_number})" if self.org_number else self.name

    def save(self, *args, **kwargs) -> None:
        self.legal_form = legal_form_of(self.org_number)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("projects:organisation", args=[self.pk])


# Both periods' formats in a regex that SQLite (Python re) and PostgreSQL (POSIX) read alike.
DIARY_NUMBER_SQL_PATTERN = r"^(20[0-9]{2}/[0-9]{5}|[0-9]{2}-[0-9]{3}-S[0-9]{2})$"


# Full-text search on PostgreSQL: Swedish stemming, so "arbetsmarknaden" finds "arbetsmarknad".
# Migrations 0003 and 0016 add `search_document`, a stored tsvector column with a GIN index (name,
# diary number and city weighted A, the owner's name B, description D), written by a trigger. It
# exists only on PostgreSQL, so the model does not declare it; the expressions below name it.
SEARCH_CONFIG = "swedish"


# Each word of a search is reduced to a root and matched as a prefix. Swedish Snowball stems
# "arbetsmarknaden" to "arbetsmarknad" but "arbetsmarknad" to "arbetsmarkn", so stemming twice
# and matching the prefix lets either form find the other (and "kompetens" find "kompetenslyft").
# Stop words (ts_lexize gives an empty array) are dropped, as in the documents.
SEARCH_ROOTS_SQL = """
SELECT coalesce((ts_lexize('swedish_stem', first[1]))[1], first[1])
FROM (SELECT word, ts_lexize('swedish_stem', word) AS first FROM unnest(%s::text[]) AS word) AS w
WHERE cardinality(first) > 0
"""
MAX_SEARCH_WORDS = 10


def search_tsquery(text: str) -> str:
    """A safe to_tsquery('simple', …) string: word roots as prefixes, all required."""
    words = [word.lower() for word in re.findall(r"\w+", text)][:MAX_SEARCH_WORDS]
    if not words:
        return ""
    with connection.cursor() as cursor:
        cursor.execute(SEARCH_ROOTS_SQL, [words])
        roots = [row[0] for row in cursor.fetchall()]
    return " & ".join(f"{root}:*" for root in dict.fromkeys(roots))


class SearchDocumentMatch(models.Expression):
    """`<table>.search_document @@ to_tsquery('simple', query)` as a WHERE condition."""

    output_field = models.BooleanField()
    template = "{column} @@ to_tsquery('simple'::regconfig, %s)"

    def __init__(self, tsquery: str) -> None:
        super().__init__()
        self.tsquery = tsquery

    def column(self, compiler) -> str:
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_document"

    def as_sql(self, compiler, connection):
        return self.template.format(column=self.column(compiler)), [self.tsquery]


class SearchDocumentRank(SearchDocumentMatch):
    """ts_rank of the stored document against the query: title words (A) outweigh the rest."""

    output_field = models.FloatField()
    template = "ts_rank({column}, to_tsquery('simple'::regconfig, %s))"


def organisation_document() -> SearchVector:
    return SearchVector("name", config=SEARCH_CONFIG)


class ProjectQuerySet(models.QuerySet):
    def for_list(self) -> ProjectQuerySet:
        """Rows for lists and exports, with every foreign key they show joined."""
        return self.select_related("owner", *dimensions.NAMES)

    def search(self, text: str) -> ProjectQuerySet:
        """Projects matching free text in diary number, name, owner, city or description.

        PostgreSQL: full-text search with Swedish stemming, ranked (`search_rank`). SQLite: a
        plain case-insensitive contains-search, unranked.
        """
        if connection.vendor != "postgresql":
            return self.filter(
                Q(diary_number__icontains=text)
                | Q(name__icontains=text)
                | Q(owner__name__icontains=text)
                | Q(city__icontains=text)
                | Q(description__icontains=text)
            )
        tsquery = search_tsquery(text)
        if not tsquery:
            return self.none()
        # The stored document holds the owner's name too (migration 0016): one GIN lookup.
        return self.filter(SearchDocumentMatch(tsquery)).annotate(
            search_rank=SearchDocumentRank(tsquery)
        )

    def with_status(self, status: str, *, at: datetime.date) -> ProjectQuerySet:
        return self.filter(status_condition(status, at=at))

    def upcoming(self, *, at: datetime.date) -> ProjectQuerySet:
        return self.with_status(PROJECT_UPCOMING, at=at)

    def ongoing(self, *, at: datetime.date) -> ProjectQuerySet:
        return self.with_status(PROJECT_ONGOING, at=at)

    def finished(self, *, at: datetime.date) -> ProjectQuerySet:
        return self.with_status(PROJECT_FINISHED, at=at)


PROJECT_UPCOMING, PROJECT_ONGOING, PROJECT_FINISHED = "upcoming", "ongoing", "finished"


def status_conditions(at: datetime.date) -> dict[str, Q]:
    """The one definition of a project's status on a day: upcoming before its start date,
    finished after its end date, ongoing from start to end, both days included.

    The QuerySet's filters, the summary's counts, both export paths (a CASE in SQL) and the
    admin's list filter are built from these.
    """
    return {
        PROJECT_UPCOMING: Q(start_date__gt=at),
        PROJECT_ONGOING: Q(start_date__lte=at, end_date__gte=at),
        PROJECT_FINISHED: Q(end_date__lt=at),
    }


def status_condition(status: str, *, at: datetime.date) -> Q:
    return status_conditions(at)[status]


def status_on(start: datetime.date, end: datetime.date, at: datetime.date) -> str:
    """The same rule for one project in Python."""
    if start > at:
        return PROJECT_UPCOMING
    return PROJECT_FINISHED if end < at else PROJECT_ONGOING


class Year(models.Func):
    """A date's calendar year as an integer, for grouping. PostgreSQL's EXTRACT returns
    numeric (since version 14), and grouping a million projects by numeric years took 2.9 s
    where `date_part(...)::int` takes 1.1 s (docs/performance.md); elsewhere the backend's own
    year extraction."""

    output_field = models.IntegerField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return connection.ops.date_extract_sql("year", sql, params)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date_part('year', {sql})::int", params


def status_case(at: datetime.date) -> models.Case:
    """The status as an SQL expression (a CASE over `status_conditions`)."""
    return models.Case(
        *(models.When(condition, then=models.Value(status))
          for status, condition in status_conditions(at).items()),
        output_field=models.CharField(),
    )  # fmt: skip


TENTH = Decimal("0.1")


def esf_share(grant: int | None, budget: int | None) -> Decimal | None:
    """The ESF grant in percent of the total budget, one decimal, halves rounded up (as
    PostgreSQL's round() does for numeric); unknown without a grant or a budget."""
    if grant is None or not budget:
        return None
    return (Decimal(grant) * 100 / budget).quantize(TENTH, rounding=ROUND_HALF_UP)


def esf_share_sql() -> Round:
    """The same share of a project as an SQL expression (numeric, so exact on PostgreSQL)."""
    share = models.ExpressionWrapper(
        Cast("esf_grant", models.DecimalField(max_digits=30, decimal_places=0))
        * 100
        / NullIf(F("total_budget"), models.Value(0)),
        output_field=models.DecimalField(),
    )
    return Round(share, 1)


class Project(models.Model):
    class Status(models.TextChoices):
        UPCOMING = PROJECT_UPCOMING, _("Kommande")
        ONGOING = PROJECT_ONGOING, _("Pågående")
        FINISHED = PROJECT_FINISHED, _("Avslutat")

    # NULL, not "", for a 2007–2013 project: its pages give none, and the number is unique
    # when present. Such a project is known by its page's address (`source_url`).
    diary_number = models.CharField(  # noqa: DJ001
        _("diarienummer"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        validators=[validators.validate_diary_number],
        help_text=_(
            "2014–2020: ÅÅÅÅ/NNNNN (2020/00152). ESF+: ÅÅ-NNN-SNN (22-005-S01). 2007–2013: "
            "inget; projektet känns igen på sin källa."
        ),
    )
    slug = models.SlugField(_("URL-namn"), max_length=60, unique=True, editable=False)
    programme = models.ForeignKey(
        Programme, models.PROTECT, related_name="projects", verbose_name=_("program")
    )
    name = models.CharField(_("namn"), max_length=500)
    owner = models.ForeignKey(
        Organisation, models.PROTECT, related_name="projects", verbose_name=_("projektägare")
    )
    # A copy of the owner's legal form, kept by the database (triggers of migration 0016 on
    # every write of a project's owner and of an organisation's legal form), so the list's
    # legal-form facet and filter read the project's own row, never a join to its owner.
    owner_legal_form = models.CharField(
        _("projektägarens juridiska form"),
        max_length=1,
        choices=LegalForm.choices,
        blank=True,
        default="",
        db_default="",  # a raw INSERT without it (generate_demo's) gets "", then the trigger's
        editable=False,
    )
    owner_unit = models.CharField(_("projektägarens enhet"), max_length=300, blank=True)
    region = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("region"),
    )
    # The beneficiary's county: from its postcode, else from its city (`projects.places`).
    # A national project keeps its region and still has the county its beneficiary is in.
    county = models.ForeignKey(
        County,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("län"),
    )
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("slutdatum"))
    total_budget = models.BigIntegerField(
        _("total projektbudget (kr)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    # Kept by services from the decisions, like esf_grant and total_budget: listed and exported
    # for every project, where counting the decisions per row would cost a lookup each.
    decision_count = models.PositiveIntegerField(_("antal beslut"), default=0, editable=False)
    last_decision_date = models.DateField(
        _("senaste beslutsdatum"), null=True, blank=True, editable=False
    )
    esf_grant = models.BigIntegerField(
        _("beviljat ESF-stöd (kr)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    cofinancing_rate = models.DecimalField(
        _("unionens medfinansieringsgrad (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    programme_area = models.ForeignKey(
        ProgrammeArea,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("programområde"),
    )
    specific_objective = models.ForeignKey(
        SpecificObjective,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("specifikt mål"),
    )
    intervention_field = models.ForeignKey(
        InterventionField,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("interventionstyp"),
    )
    planned_participants = models.PositiveIntegerField(
        _("planerat antal deltagare"), null=True, blank=True
    )
    participant_goal = models.PositiveIntegerField(
        _("deltagarmål"),
        null=True,
        blank=True,
        help_text=_("Hur många deltagare som ska gå till arbete eller studier, om det anges."),
    )
    contact_name = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-post"), blank=True)
    postcode = models.CharField(_("postnummer"), max_length=10, blank=True)
    city = models.CharField(_("ort"), max_length=100, blank=True)
    address = models.CharField(_("adress"), max_length=300, blank=True)
    country = models.CharField(_("land"), max_length=100, blank=True, default="Sverige")
    child_poverty_theme = models.BooleanField(
        _("sekundärtema – motverka barnfattigdom"), null=True, blank=True
    )
    strategic_importance = models.BooleanField(
        _("insats av strategisk betydelse"), null=True, blank=True
    )
    description = models.TextField(_("beskrivning"), blank=True)
    description_en = models.TextField(
        _("beskrivning (engelska)"),
        blank=True,
        default="",
        db_default="",
        help_text=_("Visas på de engelska sidorna; utan den visas den svenska."),
    )
    source_url = HttpsURLField(_("källa"), max_length=500, blank=True)
    field_sources = models.JSONField(
        _("uppgifternas källor"),
        default=dict,
        db_default={},
        blank=True,
        editable=False,
        help_text=_("Vilken källa som senast satte varje fält: fält → källa, fil och dag."),
    )
    is_demo = models.BooleanField(
        _("demodata"),
        default=False,
        editable=False,
        help_text=_("Skapad av generate_demo; inte ett verkligt projekt."),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["owner_legal_form"])  # derived, not entered

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("projekt")
        verbose_name_plural = _("projekt")
        ordering = ["diary_number", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="project_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(diary_number__isnull=True)
                | Q(diary_number__regex=DIARY_NUMBER_SQL_PATTERN),
                name="project_diary_number_format",
            ),
            # Which programmes may lack a diary number is a trigger's rule (it reads the
            # programme's period): see migration 0018.
            models.CheckConstraint(
                condition=Q(diary_number__isnull=False) | ~Q(source_url=""),
                name="project_diary_number_or_source",
                violation_error_message=_("Ett projekt utan diarienummer måste ha en källa."),
            ),
            models.UniqueConstraint(
                fields=["source_url"],
                condition=Q(diary_number__isnull=True),
                name="project_source_unique_without_diary_number",
                violation_error_message=_("Det finns redan ett projekt med den här källan."),
            ),
            models.CheckConstraint(
                condition=Q(total_budget__isnull=True) | Q(total_budget__gte=0),
                name="project_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(esf_grant__isnull=True) | Q(esf_grant__gte=0),
                name="project_grant_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(total_budget__isnull=True)
                | Q(esf_grant__isnull=True)
                | Q(esf_grant__lte=F("total_budget")),
                name="project_grant_within_budget",
                violation_error_message=_("Beviljat ESF-stöd får inte överstiga total budget."),
            ),
            models.CheckConstraint(
                condition=Q(cofinancing_rate__isnull=True)
                | Q(cofinancing_rate__gte=0, cofinancing_rate__lte=100),
                name="project_rate_is_percent",
            ),
            models.CheckConstraint(
                condition=Q(participant_goal__isnull=True)
                | Q(planned_participants__isnull=True)
                | Q(participant_goal__lte=F("planned_participants")),
                name="project_goal_within_participants",
                violation_error_message=_(
                    "Deltagarmålet kan inte vara större än planerat antal deltagare."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["start_date"], name="project_start_idx"),
            models.Index(fields=["end_date"], name="project_end_idx"),
            models.Index(fields=["esf_grant"], name="project_grant_idx"),
            # The list's sorts by name; those by the nullable figures have indexes with NULLS
            # LAST on PostgreSQL (migration 0017; SQLite cannot declare them).
            models.Index(fields=["name", "slug"], name="project_name_idx"),
            # The dashboard's and the list's sums and counts read only these columns: on
            # PostgreSQL they come from this narrow index (an index-only scan) instead of the
            # wide table rows, and a region filter finds its rows here too. The county follows
            # the region: it is in the dashboard's GROUP BY, and a county lies in one region,
            # so (region, county) keeps a county's rows together for its filter.
            models.Index(
                fields=[
                    "region",
                    "county",
                    "programme",
                    "programme_area",
                    "specific_objective",
                    "intervention_field",
                ],
                include=[
                    "esf_grant",
                    "total_budget",
                    "planned_participants",
                    "participant_goal",
                    "cofinancing_rate",
                    "start_date",
                    "end_date",
                    "owner",
                    "owner_legal_form",
                    "is_demo",
                    "id",  # so a semi-join (the decisions of the matching projects) needs no heap
                ],
                name="project_portfolio_idx",
            ),  # fmt: skip
            # "Is there demo data?" (every page's notice): one probe of this small index.
            models.Index(fields=["id"], condition=Q(is_demo=True), name="project_demo_idx"),
            # The footer's "registry updated": MAX(updated_at) of the real (non-demo) projects,
            # one probe of this index instead of a scan of every project.
            models.Index(
                fields=["updated_at"], condition=Q(is_demo=False), name="project_real_updated_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.name}"

    def save(self, *args, **kwargs) -> None:
        self.slug = validators.project_slug(self.diary_number, self.source_url)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.slug])

    @property
    def identifier(self) -> str:
        """What lists show to name the project: its diary number, else its slug (a 2007–2013
        project, known by its address)."""
        return self.diary_number or self.slug or validators.project_slug(None, self.source_url)

    @property
    def operation_id(self) -> str:
        """The Kohesio-style operation identifier: the programme's CCI, "_", the diary number
        (`2021SE05SFPR001_22-005-S01`); the diary number alone when the programme has no CCI,
        and "" without a diary number (the identifier is built from it)."""
        if not self.diary_number:
            return ""
        cci = self.programme.cci
        return f"{cci}_{self.diary_number}" if cci else self.diary_number

    def sources(self) -> list[tuple[str, list[str]]]:
        """(source, the names of the fields it set last) for each source of the project's data:
        the importers and the admin record them in `field_sources`."""
        names = {
            field.name: field.verbose_name
            for field in self._meta.get_fields()
            if hasattr(field, "verbose_name")
        }
        grouped: dict[str, list[str]] = {}
        for name, source in (self.field_sources or {}).items():
            if name in names:
                grouped.setdefault(source, []).append(str(names[name]))
        return sorted(grouped.items())

    def clean(self) -> None:
        """Check what spans fields: the period, money, and codes belonging to the programme."""
        errors: dict[str, list] = {}
        self.diary_number = validators.normalise_diary_number(self.diary_number) or None
        if self.diary_number is None:
            self.source_url = validators.normalise_source_url(self.source_url)
            if not self.source_url:
                errors.setdefault("source_url", []).append(
                    _("Ett projekt utan diarienummer måste ha en källa.")
                )
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors.setdefault("end_date", []).append(
                _("Slutdatum (%(end)s) ligger före startdatum (%(start)s).")
                % {"end": self.end_date, "start": self.start_date}
            )
        if (
            self.total_budget is not None
            and self.esf_grant is not None
            and self.esf_grant > self.total_budget
        ):
            errors.setdefault("esf_grant", []).append(
                _("Beviljat ESF-stöd får inte överstiga total projektbudget.")
            )
        if self.programme_id:
            period = self.programme.period
            if validators.diary_number_period(self.diary_number) not in (None, period):
                errors.setdefault("diary_number", []).append(
                    _("Diarienumrets format hör inte till programmet %(programme)s.")
                    % {"programme": self.programme}
                )
            if period == validators.PERIOD_2007 and self.diary_number:
                errors.setdefault("diary_number", []).append(
                    _(
                        "Projekt i programmet 2007–2013 har inget diarienummer; de känns igen på "
                        "sin källa."
                    )
                )
            if period != validators.PERIOD_2007 and not self.diary_number:
                errors.setdefault("diary_number", []).append(
                    _("Diarienummer krävs för projekt i programperioden %(period)s.")
                    % {"period": self.programme.get_period_display()}
                )
            if self.programme_area_id and self.programme_area.programme_id != self.programme_id:
                errors.setdefault("programme_area", []).append(
                    _("Programområdet hör till ett annat program.")
                )
            if (
                self.intervention_field_id
                and self.intervention_field.programme_id != self.programme_id
            ):
                errors.setdefault("intervention_field", []).append(
                    _("Interventionstypen hör till ett annat program.")
                )
        if (
            self.specific_objective_id
            and self.programme_area_id
            and self.specific_objective.programme_area_id != self.programme_area_id
        ):
            errors.setdefault("specific_objective", []).append(
                _("Det specifika målet hör till ett annat programområde.")
            )
        if errors:
            raise ValidationError(errors)

    def status(self, at: datetime.date | None = None) -> str:
        return self.Status(status_on(self.start_date, self.end_date, at or timezone.localdate()))

    def get_status_display(self) -> str:
        return self.Status(self.status()).label

    @property
    def duration_months(self) -> int:
        """Length of the project period in whole months (rounded)."""
        return round(((self.end_date - self.start_date).days + 1) / 30.44)

    @property
    def esf_per_participant(self) -> int | None:
        if self.esf_grant is None or not self.planned_participants:
            return None
        return round(self.esf_grant / self.planned_participants)

    @property
    def esf_share_of_budget(self) -> Decimal | None:
        """ESF grant as percent of the total budget, one decimal (`esf_share`)."""
        return esf_share(self.esf_grant, self.total_budget)


class PortfolioMeasures(models.Model):
    """The projects' counts and sums per combination of the code-list dimensions, demo or not
    and status (`projects/rollups.py`): what every portfolio roll-up holds.

    Database triggers keep them in step with every write to projects_project, in the writing
    transaction; nothing else writes them except `rebuild_rollup` and the daily roll of the
    status (`rollups.current`). A code-list key is the row's id, 0 for none; `status` is as
    of `RollupState.as_of`.
    """

    programme_key = models.IntegerField()
    region_key = models.IntegerField()
    county_key = models.IntegerField()
    programme_area_key = models.IntegerField()
    specific_objective_key = models.IntegerField()
    intervention_field_key = models.IntegerField()
    is_demo = models.BooleanField()
    status = models.CharField(max_length=10)
    projects = models.BigIntegerField()
    esf_grant_sum = models.BigIntegerField()
    total_budget_sum = models.BigIntegerField()
    budget_known = models.BigIntegerField()
    participants_sum = models.BigIntegerField()
    participant_goal_sum = models.BigIntegerField()
    with_participants = models.BigIntegerField()
    grant_with_participants = models.BigIntegerField()
    participants_with_grant = models.BigIntegerField()
    with_budget = models.BigIntegerField()
    grant_with_budget = models.BigIntegerField()
    budget_with_grant = models.BigIntegerField()

    CODE_KEYS = (
        "programme_key",
        "region_key",
        "county_key",
        "programme_area_key",
        "specific_objective_key",
        "intervention_field_key",
    )
    KEYS = (*CODE_KEYS, "is_demo", "status")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.programme_key}/{self.region_key}/… {self.status}"


class LegalFormMeasures(PortfolioMeasures):
    """`PortfolioMeasures` per owner's legal form too."""

    owner_legal_form = models.CharField(max_length=20)

    KEYS = (*PortfolioMeasures.CODE_KEYS, "owner_legal_form", "is_demo", "status")

    class Meta:
        abstract = True


class PortfolioRollup(LegalFormMeasures):
    """Per start year too: what the list's summary and facets read when a filter touches
    nothing else, the dashboard's portfolio for a start-year range, and the list page's
    start-date window."""

    start_year = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[*LegalFormMeasures.KEYS[:-1], "start_year", "status"],
                name="portfolio_rollup_key",
            ),
        ]


class PortfolioAllYearsRollup(LegalFormMeasures):
    """Without the start year: a third of `PortfolioRollup`'s rows at a million projects, what
    the list's facets (and the dashboard, for a legal form) read for a filter without a
    start-year range."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=list(LegalFormMeasures.KEYS), name="portfolio_all_years_rollup_key"
            ),
        ]


class PortfolioCodesRollup(PortfolioMeasures):
    """Without the start year and the legal form: 16 781 rows at a million projects (against
    60 684), what the dashboard's portfolio and form read for a filter on neither."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=list(PortfolioMeasures.KEYS), name="portfolio_codes_rollup_key"
            ),
        ]


class ShapeKeys(models.Model):
    """The keys the dashboard's years, sizes, rates and decisions roll-ups share
    (`projects/rollups.py`): programme, region, county, programme area, demo or not, start
    year and status, each roll-up adding one more. Kept by triggers like `PortfolioRollup`; a
    code-list key is the row's id, 0 for none."""

    programme_key = models.IntegerField()
    region_key = models.IntegerField()
    county_key = models.IntegerField()
    programme_area_key = models.IntegerField()
    is_demo = models.BooleanField()
    start_year = models.IntegerField()
    status = models.CharField(max_length=10)

    SHARED_KEYS = (
        "programme_key",
        "region_key",
        "county_key",
        "programme_area_key",
        "is_demo",
        "start_year",
        "status",
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.programme_key}/{self.region_key}/… {self.start_year} {self.status}"


class ShapeRollup(ShapeKeys):
    """Projects and ESF grant per shared key and one more."""

    projects = models.BigIntegerField()
    esf_grant_sum = models.BigIntegerField()

    class Meta:
        abstract = True


class DecisionRollup(ShapeKeys):
    """The dated decisions and their net ESF grant per decision year, under their project's
    keys: the dashboard's decisions per year. Triggers on both projects_project (a project's
    change moves its decisions) and projects_decision keep it."""

    decided_year = models.IntegerField()
    decisions = models.BigIntegerField()
    esf_grant_sum = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[*ShapeKeys.SHARED_KEYS, "decided_year"], name="decision_rollup_key"
            ),
        ]


class YearRollup(ShapeRollup):
    """Per end year too: the projects running in each year."""

    end_year = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[*ShapeKeys.SHARED_KEYS, "end_year"], name="year_rollup_key"
            ),
        ]


class SizeRollup(ShapeRollup):
    """Per size bucket too (`aggregates.SIZE_BUCKETS`, -1 for an unknown grant)."""

    size_bucket = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[*ShapeKeys.SHARED_KEYS, "size_bucket"], name="size_rollup_key"
            ),
        ]


class RateRollup(ShapeRollup):
    """Per co-financing rate too (-1 for none): the median rate."""

    rate = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[*ShapeKeys.SHARED_KEYS, "rate"], name="rate_rollup_key"
            ),
        ]


class OwnerRollup(models.Model):
    """Projects and ESF grant per owner, demo or not and status (`projects/rollups.py`): the
    largest owners of the unfiltered dashboard, the first page after every decision, without
    grouping every project by owner. Kept by triggers like `PortfolioRollup`."""

    owner_key = models.IntegerField()
    is_demo = models.BooleanField()
    status = models.CharField(max_length=10)
    projects = models.BigIntegerField()
    esf_grant_sum = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner_key", "is_demo", "status"], name="owner_rollup_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_key} {self.status}"


# The columns of a project every dashboard aggregate reads (those of project_portfolio_idx).
PAGE_COLUMNS = (
    "owner",
    *dimensions.NAMES,
    "owner_legal_form",
    "is_demo",
    "start_date",
    "end_date",
    "esf_grant",
    "total_budget",
    "cofinancing_rate",
    "planned_participants",
    "participant_goal",
)


def _page_field(name: str) -> models.Field:
    """Project's field `name` for `PageProject`: the same column and type; a foreign key
    without a constraint or a reverse accessor."""
    field = Project._meta.get_field(name)
    if field.is_relation:
        return models.ForeignKey(
            field.remote_field.model,
            on_delete=models.DO_NOTHING,
            null=field.null,
            related_name="+",
            db_constraint=False,
        )
    _name, _path, args, kwargs = field.deconstruct()
    return type(field)(*args, **kwargs)


class PageProject(models.Model):
    """A temporary table of one request's matching projects, `PAGE_COLUMNS` of each
    (`aggregates.page_projects`): a dashboard whose filter no roll-up keeps (a search) reads
    the projects once into it, then each aggregate reads it instead of the projects. Its fields
    are the project's, under the same names, so the aggregates' queries run on it unchanged."""

    id = models.BigIntegerField(primary_key=True)
    locals().update({name: _page_field(name) for name in PAGE_COLUMNS})

    class Meta:
        managed = False
        db_table = "page_projects"

    def __str__(self) -> str:
        return str(self.pk)


class OwnerTotalRollup(models.Model):
    """Projects and ESF grant per owner over the whole registry (`projects/rollups.py`): the
    unfiltered dashboard's largest owners, the page most asked after a decision, are the first
    rows of its index by grant, with nothing to group. Kept by triggers like `PortfolioRollup`."""

    owner_key = models.IntegerField(unique=True)
    projects = models.BigIntegerField()
    esf_grant_sum = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(
                models.F("esf_grant_sum").desc(), "owner_key", name="owner_total_grant_idx"
            ),
        ]

    def __str__(self) -> str:
        return str(self.owner_key)


class RollupState(models.Model):
    """One row: the day every roll-up's `status` is as of."""

    as_of = models.DateField()

    def __str__(self) -> str:
        return str(self.as_of)


class Decision(models.Model):
    """A decision that changes a project's money or period; the project keeps their sum/latest."""

    class Kind(models.TextChoices):
        GRANT = "grant", _("Beviljande")
        EXTENSION = "extension", _("Förlängning")
        CHANGE = "change", _("Ändring")
        WITHDRAWAL = "withdrawal", _("Återkallelse")
        SNAPSHOT = "snapshot", _("Importerad ögonblicksbild")

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="decisions", verbose_name=_("projekt")
    )
    kind = models.CharField(_("typ av beslut"), max_length=20, choices=Kind.choices)
    decided_on = models.DateField(
        _("beslutsdatum"),
        null=True,
        blank=True,
        help_text=_("Krävs utom för importerade ögonblicksbilder."),
    )
    decided_by = models.CharField(
        _("beslutat av"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. Strukturfondspartnerskapet Småland och Öarna eller Svenska ESF-rådet."),
    )
    esf_grant_change = models.BigIntegerField(
        _("förändring av ESF-stöd (kr)"),
        null=True,
        blank=True,
        help_text=_("Negativt belopp för en minskning. Tomt om beslutet inte anger stödet."),
    )
    total_budget_change = models.BigIntegerField(
        _("förändring av total budget (kr)"),
        null=True,
        blank=True,
        help_text=_("Negativt belopp för en minskning. Tomt om beslutet inte anger budgeten."),
    )
    new_end_date = models.DateField(_("nytt slutdatum"), null=True, blank=True)
    note = models.TextField(_("anteckning"), blank=True)
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")
        ordering = ["project", "decided_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="snapshot") | Q(decided_on__isnull=False),
                name="decision_dated_unless_snapshot",
                violation_error_message=_("Ange beslutsdatum."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["grant", "extension", "change", "withdrawal", "snapshot"]),
                name="decision_kind_known",
            ),
            models.CheckConstraint(
                condition=~Q(kind="grant")
                | Q(esf_grant_change__isnull=True)
                | Q(esf_grant_change__gte=0),
                name="decision_grant_not_negative",
                violation_error_message=_("Ett beviljande kan inte minska stödet; välj Ändring."),
            ),
        ]
        indexes = [
            models.Index(fields=["decided_on"], name="decision_decided_on_idx"),
            # The dashboard's decisions per year of a filtered set: for each matching project
            # its dated decisions' years and amounts, read from this index alone (PostgreSQL).
            models.Index(
                fields=["project"],
                include=["decided_on", "esf_grant_change"],
                condition=Q(decided_on__isnull=False),
                name="decision_project_money_idx",
            ),
        ]

    def __str__(self) -> str:
        when = self.decided_on.isoformat() if self.decided_on else _("odaterad")
        return f"{self.get_kind_display()} {when}"

    def clean(self) -> None:
        if self.kind != self.Kind.SNAPSHOT and self.decided_on is None:
            raise ValidationError({"decided_on": _("Ange beslutsdatum.")})
        today = timezone.localdate()
        if self.decided_on is not None and self.decided_on > today:
            raise ValidationError(
                {
                    "decided_on": _(
                        "Beslutsdatumet %(date)s ligger efter i dag (%(today)s). Ett beslut "
                        "registreras när det är fattat."
                    )
                    % {"date": self.decided_on.isoformat(), "today": today.isoformat()}
                }
            )
        if self.kind == self.Kind.GRANT and (self.esf_grant_change or 0) < 0:
            raise ValidationError(
                {"esf_grant_change": _("Ett beviljande kan inte minska stödet; välj Ändring.")}
            )


class DecisionProposal(models.Model):
    """A decision a news text or press release announces, for a caseworker to confirm.

    `importers/news.py` reads the values and `importers/proposals.py` stores them with the
    project they most likely concern; nothing changes in the registry until a caseworker
    accepts the proposal (`services.proposals.accept_proposal`), with the exact amounts of the
    decision letter, and it becomes a decision in the ledger.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Förslag")
        ACCEPTED = "accepted", _("Godkänt")
        REJECTED = "rejected", _("Avslaget")

    class Precision(models.TextChoices):
        EXACT = "exact", _("exakt")
        ROUNDED = "rounded", _("avrundat")
        APPROXIMATE = "approximate", _("ungefärligt")

    KINDS = [
        (Decision.Kind.GRANT, Decision.Kind.GRANT.label),
        (Decision.Kind.EXTENSION, Decision.Kind.EXTENSION.label),
        (Decision.Kind.CHANGE, Decision.Kind.CHANGE.label),
    ]

    source_name = models.CharField(_("källa"), max_length=300)
    content_hash = models.CharField(_("textens kontrollsumma"), max_length=64, editable=False)
    position = models.PositiveSmallIntegerField(_("ordning i texten"), default=0, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    kind = models.CharField(_("typ av beslut"), max_length=20, choices=KINDS)
    project_name = models.CharField(_("projektnamn enligt texten"), max_length=500, blank=True)
    acronym = models.CharField(_("förkortning"), max_length=30, blank=True)
    organisation_name = models.CharField(
        _("organisation enligt texten"), max_length=300, blank=True
    )
    amount_written = models.CharField(_("belopp som skrivet"), max_length=100, blank=True)
    amount = models.BigIntegerField(_("ESF-stöd (kr)"), null=True, blank=True)
    amount_precision = models.CharField(
        _("beloppets precision"), max_length=12, choices=Precision.choices, blank=True
    )
    total_budget_written = models.CharField(
        _("total budget som skriven"), max_length=100, blank=True
    )
    total_budget = models.BigIntegerField(_("total budget (kr)"), null=True, blank=True)
    total_budget_precision = models.CharField(
        _("budgetens precision"), max_length=12, choices=Precision.choices, blank=True
    )
    new_end_date = models.DateField(_("nytt slutdatum"), null=True, blank=True)
    end_date_precision = models.CharField(_("slutdatumets precision"), max_length=5, blank=True)
    decided_by = models.CharField(_("beslutat av"), max_length=200, blank=True)
    call_name = models.CharField(_("utlysning"), max_length=500, blank=True)
    call_amount = models.BigIntegerField(_("utlyst belopp (kr)"), null=True, blank=True)
    text_date = models.DateField(_("textens datum"), null=True, blank=True)
    partners = models.JSONField(_("samverkansparter enligt texten"), default=list, blank=True)
    evidence = models.JSONField(
        _("meningar"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("Meningen i texten som varje uppgift kommer från."),
    )
    project = models.ForeignKey(
        Project,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("projekt"),
        help_text=_("Det befintliga projektet förslaget gäller; tomt för ett nytt projekt."),
    )
    match_confidence = models.PositiveSmallIntegerField(
        _("matchningens säkerhet (%)"),
        null=True,
        blank=True,
        editable=False,
        validators=[MaxValueValidator(100)],
    )
    match_reason = models.CharField(_("matchning"), max_length=300, blank=True, editable=False)
    decision = models.OneToOneField(
        Decision,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
        editable=False,
        verbose_name=_("beslut"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("handlagt av"),
    )
    reviewed_at = models.DateTimeField(_("handlagt"), null=True, blank=True, editable=False)
    review_note = models.TextField(_("handläggarens anteckning"), blank=True)
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beslutsförslag")
        verbose_name_plural = _("beslutsförslag")
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_hash", "position"], name="decision_proposal_once_per_text"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "accepted", "rejected"]),
                name="decision_proposal_status_known",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="decision_proposal_status_idx")]

    def __str__(self) -> str:
        name = self.project_name or self.acronym or gettext("okänt projekt")
        return f"{self.get_kind_display()}: {name} ({self.source_name})"

    @property
    def needs_confirmation(self) -> bool:
        """Whether an amount was written rounded or qualified ("drygt 15,5 miljoner")."""
        exact = self.Precision.EXACT
        return (self.amount is not None and self.amount_precision != exact) or (
            self.total_budget is not None and self.total_budget_precision != exact
        )


class ProjectOrganisation(models.Model):
    """An organisation's part in a project: its owner or one of its partners (samverkansparter).

    In ESF+ the partners are beneficiaries too. `Project.owner` stays the owner the sources and
    the registry's rules read; a row with the owner role repeats it where a source says so.
    """

    class Role(models.TextChoices):
        OWNER = "owner", _("Projektägare")
        PARTNER = "partner", _("Samverkanspart")

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="organisation_links", verbose_name=_("projekt")
    )
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="project_links",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("roll"), max_length=10, choices=Role.choices)
    source = models.CharField(_("källa"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("projektets organisation")
        verbose_name_plural = _("projektens organisationer")
        ordering = ["project", "role", "organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "role"], name="project_organisation_once"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["owner", "partner"]), name="project_organisation_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name}: {self.get_role_display()}"
