"""The participant goal a description states (`importers/participant_goal.py`)."""

import pytest

from projects.importers.participant_goal import find_participant_goal, participant_goal
from tests.projectbank_pages import (
    FIELDS_2014,
    parsed_page,
)

# --- Participant goal -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "goal"),
    [
        (
            "Målet är att 210 personer ska gå igenom projektet och minst 125 av dem ska lämna "
            "projektet på god väg.",
            125,
        ),
        ("Minst 125 av deltagarna ska gå vidare till arbete.", 125),
        ("125 av de 210 deltagarna ska ha ett arbete.", 125),
        ("Ambitionen är att 60% av projekts 584 deltagare ska gå till arbete.", 350),
        ("60 % av projektets 584 deltagare ska gå till arbete eller studier.", 350),
        ("60 procent av projektets 584 deltagare ska gå till arbete.", 350),
        ("52,5 % av de 200 deltagarna ska börja studera.", 105),
        ("50 % av de 5 deltagarna ska börja arbeta.", 3),
        ("Minst 1 125 av de 2 000 deltagarna ska\nbörja arbeta.", 1125),
        ("Minst 125 av deltagarna ska arbeta. Minst 125 av deltagarna ska arbeta.", 125),
    ],
)
def test_participant_goal_is_read_from_explicit_statements(text, goal):
    assert find_participant_goal(text) == (goal, [])


@pytest.mark.parametrize(
    "text",
    [
        "50 % av deltagarna ska gå till arbete.",
        "Projektet ska hjälpa många deltagare till arbete.",
        "Vi anställer fem coacher och minst 3 av dem ska arbeta deltid.",
        "Hittills har 260 personer gått till arbete eller studier.",
        "300 av de 210 deltagarna ska arbeta.",
        "",
    ],
)
def test_participant_goal_is_none_without_an_explicit_count(text):
    assert find_participant_goal(text) == (None, [])


@pytest.mark.parametrize(
    ("text", "goal"),
    [
        (
            "Insatsen når 300 deltagare under tre år. Minst 120 av dem ska ha börjat arbeta "
            "eller studera när de lämnar projektet.",
            120,
        ),
        ("Projektet tar emot 80 personer. Minst 40 av dem ska börja studera.", 40),
        # Two sentences back is too far: "dem" is then the coaches of the sentence before.
        ("Vi har 300 deltagare. Vi anställer fem coacher. Minst 3 av dem ska arbeta deltid.", None),
    ],
)
def test_av_dem_counts_when_the_sentence_before_names_the_participants(text, goal):
    assert find_participant_goal(text) == (goal, [])


def test_several_different_participant_goals_give_none_and_a_warning():
    text = "Minst 125 av deltagarna ska arbeta. 60 % av de 200 deltagarna ska studera."

    assert find_participant_goal(text) == (
        None,
        ["Flera olika deltagarmål i beskrivningen (120, 125); inget mål sattes."],
    )


def test_participant_goal_above_planned_participants_is_dropped_with_a_warning():
    description = "Minst 500 av deltagarna ska gå till arbete."

    page = parsed_page(FIELDS_2014, description=description)

    assert page.participant_goal is None
    assert page.warnings == [
        "Deltagarmålet 500 i beskrivningen är större än antalet deltagare 446; inget mål sattes."
    ]


def test_participant_goal_is_not_guessed_from_a_percentage_and_planned_participants():
    page = parsed_page(FIELDS_2014, description="Minst 60 % av deltagarna ska gå till arbete.")

    assert page.planned_participants == 446
    assert page.participant_goal is None


def test_participant_goal_keeps_a_goal_within_the_planned_participants():
    description = "Minst 125 av deltagarna ska gå vidare till arbete."

    assert participant_goal(description, 210) == (125, [])
    assert participant_goal(description, None) == (125, [])
    assert participant_goal(description, 100) == (
        None,
        ["Deltagarmålet 125 i beskrivningen är större än antalet deltagare 100; inget mål sattes."],
    )
