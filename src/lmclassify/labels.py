"""The codebook: the three labels and the Kotter functions that belong to each.

>>> LABELS
('management', 'leadership', 'neither')
>>> FUNCTIONS["leadership"]
('direction', 'alignment', 'motivation', 'culture')
>>> FUNCTION_LABEL["budgeting"]
'management'
"""

from __future__ import annotations

import re
from types import MappingProxyType

LABELS: tuple[str, ...] = ("management", "leadership", "neither")

FUNCTIONS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "management": (
            "planning",
            "budgeting",
            "organizing",
            "staffing",
            "controlling",
            "problem_solving",
        ),
        "leadership": ("direction", "alignment", "motivation", "culture"),
        "neither": (),
    }
)

#: The function value used in the corpus for "neither" rows.
NO_FUNCTION = "none"

FUNCTION_LABEL: MappingProxyType[str, str] = MappingProxyType(
    {function: label for label, functions in FUNCTIONS.items() for function in functions}
)

#: The obvious cue words of each label, as word-initial stems (the datasheet's codebook lists them). A sentence
#: with none of its own label's stems is "cue-free": its orientation comes from meaning, not from vocabulary.
CUE_STEMS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "management": (
            "manag",
            "plan",
            "budget",
            "schedul",
            "organi",
            "staff",
            "recruit",
            "hire",
            "hiring",
            "monitor",
            "control",
            "kpi",
            "target",
            "track",
            "report",
            "process",
            "procedur",
            "complian",
            "efficien",
            "problem",
            "issue",
            "fix",
            "resolv",
            "cost",
            "allocat",
            "deadline",
            "forecast",
            "audit",
            "rota",
            "spend",
            "metric",
        ),
        "leadership": (
            "lead",
            "vision",
            "inspir",
            "motivat",
            "cultur",
            "value",
            "mission",
            "strateg",
            "transform",
            "chang",
            "empower",
            "align",
            "trust",
            "purpose",
            "future",
            "engag",
            "passion",
            "coach",
            "believ",
            "energi",
            "mentor",
        ),
    }
)

_CUE_PATTERNS = {
    label: re.compile(r"\b(?:" + "|".join(stems) + ")", re.IGNORECASE) for label, stems in CUE_STEMS.items()
}


def has_cue(text: str, label: str) -> bool:
    """Whether ``text`` contains an obvious cue word of ``label`` (management or leadership).

    >>> has_cue("We set the budget.", "management"), has_cue("Two porters on nights now.", "management")
    (True, False)
    """
    return bool(_CUE_PATTERNS[label].search(text))
