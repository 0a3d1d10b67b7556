"""The participant goal: how many participants a project's description says should reach it.

The pages have no field for it; only an explicit statement in the description counts ("minst
125 av dem ska ...", "60 % av projektets 584 deltagare ska ..."). Pure Python: no Django.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

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
    or the one before it speaks of participants/persons. Several different goals give None and
    a warning.
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


def _sentence_start(text: str) -> int:
    """Where the last sentence of `text` starts (after its last ". ", "! " or "? ")."""
    return max(text.rfind(". "), text.rfind("! "), text.rfind("? ")) + 1


def _sentence_mentions_participants(match: re.Match[str]) -> bool:
    """Whether "dem" can mean participants: the sentence itself, or the sentence before it
    ("Insatsen når 300 deltagare under tre år. Minst 120 av dem ska …"), speaks of them."""
    before = match.string[: match.start()]
    start = _sentence_start(before)
    if _PARTICIPANT_WORD_RE.search(before[start:]):
        return True
    previous = before[: max(start - 1, 0)]
    return _PARTICIPANT_WORD_RE.search(previous[_sentence_start(previous) :]) is not None


def participant_goal(description: str, planned: int | None) -> tuple[int | None, list[str]]:
    """The goal a description states, and warnings; None when it exceeds `planned`."""
    goal, warnings = find_participant_goal(description)
    if goal is not None and planned is not None and goal > planned:
        warnings.append(
            f"Deltagarmålet {goal} i beskrivningen är större än antalet deltagare {planned}; "
            "inget mål sattes."
        )
        return None, warnings
    return goal, warnings
