"""How long a request may wait for a neighbour before the ladder passes it on.

Rules have three optional fields (neighbourhood, category, urgency); the most specific
rule that matches a request wins. Urgency weighs most: a "today" request must not
wait as long as a normal one just because its neighbourhood has a general rule. So the
order is: neighbourhood+category+urgency > neighbourhood+urgency > category+urgency >
urgency > neighbourhood+category > neighbourhood > category > default. The built-in
defaults (48 hours; 4 hours for "today") sit at the "urgency" and "default" levels, and
a coordinator's rule at the same level replaces them.
"""

from dataclasses import dataclass
from datetime import timedelta
from itertools import product

from ads.escalation.models import DEFAULT_THRESHOLD_MINUTES, TODAY_THRESHOLD_MINUTES, EscalationRule

RuleKey = tuple[str, int | None, int | None]  # (urgency, neighbourhood_id, category_id); "" / None = any

BUILT_IN: dict[RuleKey, int] = {
    ("", None, None): DEFAULT_THRESHOLD_MINUTES,
    ("today", None, None): TODAY_THRESHOLD_MINUTES,
}


@dataclass(frozen=True)
class Thresholds:
    """All rules, loaded once per scan, so choosing a threshold costs no query."""

    rules: dict[RuleKey, int]

    def minutes(self, *, neighbourhood_id: int, category_id: int, urgency: str) -> int:
        # product() walks the keys from most to least specific: urgency, neighbourhood, category.
        for key in product((urgency, ""), (neighbourhood_id, None), (category_id, None)):
            if key in self.rules:
                return self.rules[key]
        return DEFAULT_THRESHOLD_MINUTES

    def threshold(self, *, neighbourhood_id: int, category_id: int, urgency: str) -> timedelta:
        return timedelta(
            minutes=self.minutes(neighbourhood_id=neighbourhood_id, category_id=category_id, urgency=urgency)
        )

    @property
    def shortest(self) -> timedelta:
        """No request can fall due sooner than this: the scan's cutoff."""
        return timedelta(minutes=min(self.rules.values()))


def thresholds_load() -> Thresholds:
    rules = dict(BUILT_IN)
    for urgency, neighbourhood_id, category_id, minutes in EscalationRule.objects.values_list(
        "urgency", "neighbourhood_id", "category_id", "threshold_minutes"
    ):
        rules[(urgency, neighbourhood_id, category_id)] = minutes
    return Thresholds(rules)
