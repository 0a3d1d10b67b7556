"""News of decisions read as proposals (`importers/news.py`): pure, no database."""

from datetime import date
from pathlib import Path

import pytest

from projects.importers import news
from projects.importers.participant_goal import find_participant_goal

ROOT = Path(__file__).resolve().parent.parent
SPIK = ROOT / "fixtures" / "news" / "000_dc4018ebfd2e4e16.txt"
KRONOBERG = ROOT / "fixtures" / "news" / "004_6ef21ffb7d31aa7b.txt"
PRESS_RELEASE = ROOT / "tests" / "data" / "news" / "pressmeddelande_2021-03-15.txt"
PARTNERSHIP = "Strukturfondspartnerskapet för Småland och Öarna"


def parsed(path: Path) -> news.NewsResult:
    return news.parse_bytes(path.read_bytes(), source=str(path))


def test_the_spik_news_is_a_grant_of_about_15_5_million():
    result = parsed(SPIK)

    [decision] = result.decisions
    assert decision.kind == news.GRANT
    assert decision.project_name == "Sammansatt problematik i Kronobergs län"
    assert decision.acronym == "SpiK"
    assert decision.amount == news.Amount(
        "drygt 15,5 miljoner kr", 15_500_000, news.APPROXIMATE, "drygt"
    )
    assert decision.total_budget.value == 33_000_000
    assert decision.total_budget.precision == news.APPROXIMATE
    assert decision.decided_by == PARTNERSHIP
    assert decision.text_date == date(2020, 6, 8)
    assert decision.new_end_date is None
    assert decision.source == SPIK.name
    assert decision.evidence["total_budget"].startswith("Projektets totala budget ligger på")
    assert decision.evidence["decided_by"].startswith("Beslut har fattats av")
    assert decision.evidence["text_date"] == "Senast uppdaterad: 8 juni 2020"


def test_the_kronoberg_news_is_an_extension_of_about_17_million_to_october_2021():
    [decision] = parsed(KRONOBERG).decisions

    assert decision.kind == news.EXTENSION
    assert decision.project_name == "Etableringssamverkan Kronoberg"
    assert decision.organisation == "Växjö kommun"
    assert decision.amount.value == 17_000_000
    assert decision.amount.precision == news.APPROXIMATE
    assert decision.new_end_date == date(2021, 10, 31)
    assert decision.end_date_precision == news.MONTH
    assert decision.decided_by == PARTNERSHIP
    assert decision.text_date == date(2020, 10, 12)
    assert decision.evidence["organisation"] == (
        "Projektet ägs av Växjö kommun och har pågått sedan 2017."
    )
    assert "förlängning till oktober 2021" in decision.evidence["new_end_date"]


def test_quotes_and_background_give_no_decisions():
    text = (
        "Projektet X har pågått sedan 2017 och har fått 3 miljoner kronor tidigare.\n\n"
        "- Vi har fått 12 miljoner kronor och det är fantastiskt, säger Anna Berg.\n\n"
        "Hittills har 260 personer fått stöd för 4 miljoner kronor."
    )

    assert news.parse_text(text, source="x.txt") == []


def test_a_press_release_lists_several_decisions_under_several_calls():
    decisions = parsed(PRESS_RELEASE).decisions

    assert [(d.organisation, d.project_name, d.acronym, d.amount.value) for d in decisions] == [
        ("Eskilstuna kommun", "Unga i jobb", "UIJ", 4_200_000),
        ("Region Örebro län", "Vägen vidare", "", 3_000_000),
        ("Samordningsförbundet Västra Mälardalen", "Steg för steg mot arbete", "SSA", 12_400_000),
        ("Göteborgs Stad", "Kvinnor i arbete", "", 6_000_000),
        ("Borås Stad", "Etablering Sjuhärad", "", 5_100_000),
    ]
    first_call = "Unga som varken arbetar eller studerar, Östra Mellansverige"
    second_call = "Stärkt etablering för nyanlända kvinnor, Västsverige"
    assert [d.call for d in decisions] == [first_call] * 3 + [second_call] * 2
    assert [d.call_amount.value for d in decisions] == [24_000_000] * 3 + [40_000_000] * 2
    assert {d.decided_by for d in decisions} == {"Svenska ESF-rådet"}
    assert {d.text_date for d in decisions} == {date(2021, 3, 15)}
    assert [d.amount.precision for d in decisions] == [
        news.ROUNDED,
        news.APPROXIMATE,
        news.EXACT,
        news.APPROXIMATE,
        news.ROUNDED,
    ]
    assert decisions[4].kind == news.EXTENSION
    assert decisions[4].new_end_date == date(2022, 12, 31)
    assert decisions[4].end_date_precision == news.DAY
    assert decisions[0].evidence["amount"] == (
        "Eskilstuna kommun får 4,2 miljoner kronor till projektet Unga i jobb (UIJ)."
    )
    assert decisions[0].evidence["call_amount"] == "Utlyst belopp: 24 mnkr"


def test_a_press_release_in_html_reads_like_its_text():
    html = (
        "<html><body><h1>Nya projekt</h1><p>Publicerad 2 februari 2022</p>"
        "<h2>Utlysning: Kompetens i Norr</h2><p>Utlyst belopp: 10 miljoner kronor</p>"
        "<ul><li>Luleå kommun får 2,5 miljoner kronor till projektet Norrsken (NS)</li>"
        "<li>Region Norrbotten får 3 miljoner kronor till projektet Fjäll</li></ul>"
        "</body></html>"
    ).encode()

    result = news.parse_bytes(html, source="/tmp/nyhet.html")

    assert result.source == "nyhet.html"
    assert [(d.organisation, d.acronym, d.amount.value, d.call) for d in result.decisions] == [
        ("Luleå kommun", "NS", 2_500_000, "Kompetens i Norr"),
        ("Region Norrbotten", "", 3_000_000, "Kompetens i Norr"),
    ]
    assert result.decisions[0].text_date == date(2022, 2, 2)


@pytest.mark.parametrize(
    ("written", "value", "precision", "qualifier"),
    [
        ("12,4 miljoner", 12_400_000, news.ROUNDED, ""),
        ("3 miljoner kronor", 3_000_000, news.ROUNDED, ""),
        ("17 miljoner kr", 17_000_000, news.ROUNDED, ""),
        ("24 mnkr", 24_000_000, news.ROUNDED, ""),
        ("drygt 15,5 miljoner", 15_500_000, news.APPROXIMATE, "drygt"),
        ("knappt 2 miljoner kronor", 2_000_000, news.APPROXIMATE, "knappt"),
        ("närmare 8,75 miljoner kronor", 8_750_000, news.APPROXIMATE, "närmare"),
        ("4 250 000 kr", 4_250_000, news.EXACT, ""),
        ("4\u00a0250\u00a0000 kronor", 4_250_000, news.EXACT, ""),
        ("850 tkr", 850_000, news.ROUNDED, ""),
    ],
)
def test_amounts_are_read_with_their_precision(written, value, precision, qualifier):
    amount = news.read_amount(f"Projektet får {written} från ESF.")

    assert (amount.value, amount.precision, amount.qualifier) == (value, precision, qualifier)
    assert amount.is_exact == (precision == news.EXACT)


@pytest.mark.parametrize("text", ["300 deltagare", "sedan 2017", "12,4 procent", "3 av dem"])
def test_numbers_that_are_not_money_are_not_amounts(text):
    assert news.read_amount(text) is None


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("en förlängning till oktober 2021", (date(2021, 10, 31), news.MONTH)),
        ("förlängs till februari 2024", (date(2024, 2, 29), news.MONTH)),
        ("till och med 15 mars 2022", (date(2022, 3, 15), news.DAY)),
        ("till 2022-06-30", (date(2022, 6, 30), news.DAY)),
        ("till oktober", None),
    ],
)
def test_new_end_dates_are_read_with_their_precision(text, end):
    assert news.read_end_date(text) == end


def test_a_news_text_without_an_amount_granted_gives_no_decision():
    result = news.parse_bytes(
        b"Nytt projekt startar\n\nProjektet har pagatt sedan 2017.", source="a.txt"
    )

    assert result.decisions == []
    assert result.skipped == news.SKIP_NO_DECISION


def test_a_project_page_is_not_news():
    page = ROOT / "fixtures" / "projectbank" / "001_1edcad09a78b9a57.txt"

    assert parsed(page).decisions == []


def test_the_same_words_hash_alike_whatever_the_spacing():
    assert news.content_hash("Ett  projekt\n\nfår 3 mnkr") == news.content_hash(
        "Ett projekt får 3 mnkr"
    )


def test_partners_are_read_from_an_explicit_list():
    text = (
        "Regionförbundet Kalmar län har fått 9 miljoner kronor till projektet Samverkan Öst. "
        "Projektet genomförs i samverkan med sju av länets kommuner; Emmaboda kommun, "
        "Mönsterås kommun, Torsås kommun och Nybro kommun."
    )

    [decision] = news.parse_text(text, source="p.txt")

    assert decision.partners == (
        "Emmaboda kommun",
        "Mönsterås kommun",
        "Torsås kommun",
        "Nybro kommun",
    )
    assert "i samverkan med" in decision.evidence["partners"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Projektet sker i samverkan med näringslivet och andra aktörer.",
        "Arbetet sker tillsammans med flera kommuner i länet.",
    ],
)
def test_a_vague_mention_of_cooperation_names_no_partners(sentence):
    assert news.read_partners(sentence) == ()


def test_av_dem_refers_to_the_participants_of_the_sentence_before():
    text = (
        "Insatsen når 300 deltagare under tre år. Minst 120 av dem ska ha börjat arbeta eller "
        "studera när de lämnar projektet."
    )

    assert find_participant_goal(text) == (120, [])


def test_av_dem_two_sentences_after_the_participants_does_not_count():
    text = "Insatsen når 300 deltagare. Vi anställer fem coacher. Minst 3 av dem ska arbeta deltid."

    assert find_participant_goal(text) == (None, [])


def test_a_news_text_naming_organisation_and_project_reads_both():
    path = ROOT / "tests" / "data" / "news" / "nyhet_samverkan_kalmar.txt"

    [decision] = parsed(path).decisions

    assert (decision.organisation, decision.project_name, decision.acronym) == (
        "Regionförbundet Kalmar län",
        "Unga vägar i Kalmar län",
        "UVK",
    )
    assert decision.amount.value == 9_200_000
    assert len(decision.partners) == 7
