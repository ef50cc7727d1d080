"""How long a request may wait for a neighbour before the ladder passes it on.

A rule applies in one place (a neighbourhood, a municipality, a region, or everywhere),
to one category or any, and to one urgency or any; the most specific rule that matches
a request wins. Urgency weighs most: a "today" request must not wait as long as a
normal one just because its neighbourhood has a general rule. Then the place, from
small to large, and within each place a rule for the category before one for any:

    neighbourhood + category > neighbourhood > municipality + category > municipality
    > region + category > region > category (everywhere) > default (everywhere)

first among rules for the request's urgency, then among rules for any urgency. The
built-in defaults (48 hours; 4 hours for "today") sit at the "everywhere" level, and
an operator's rule at that level replaces them.
"""

from dataclasses import dataclass
from datetime import timedelta
from itertools import product

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Neighbourhood
from ads.escalation.models import DEFAULT_THRESHOLD_MINUTES, TODAY_THRESHOLD_MINUTES, EscalationRule, RuleLevel

Place = tuple[str, int] | None  # ("neighbourhood" | "municipality" | "region", id), None = everywhere
RuleKey = tuple[str, Place, int | None]  # (urgency, place, category_id); "" / None = any


@dataclass(frozen=True)
class RuleUsed:
    """The rule that decides one request's waiting time, in words a person can check."""

    minutes: int
    level: str  # a RuleLevel
    area: str = ""  # the place's name; empty for everywhere and the built-in default

    def describe(self) -> str:
        """ "48 hours, rule of municipality Utrecht"."""
        return _("%(time)s, %(rule)s") % {
            "time": waiting_time(self.minutes),
            "rule": rule_words(self.level, self.area),
        }


def waiting_time(minutes: int) -> str:
    if minutes % 60:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = minutes // 60
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}


def rule_words(level: str, area: str) -> str:
    if level == RuleLevel.BUILT_IN:
        return _("built-in default")
    if level == RuleLevel.EVERYWHERE:
        return _("rule for everywhere")
    return _("rule of %(level)s %(area)s") % {"level": RuleLevel(level).label, "area": area}


BUILT_IN: dict[RuleKey, RuleUsed] = {
    ("", None, None): RuleUsed(DEFAULT_THRESHOLD_MINUTES, RuleLevel.BUILT_IN),
    ("today", None, None): RuleUsed(TODAY_THRESHOLD_MINUTES, RuleLevel.BUILT_IN),
}


@dataclass(frozen=True)
class Thresholds:
    """All rules and where every neighbourhood lies, loaded once per scan, so choosing a
    threshold costs no query."""

    rules: dict[RuleKey, RuleUsed]
    # neighbourhood → (municipality, region)
    places: dict[int, tuple[int, int]]

    def rule_for(self, *, neighbourhood_id: int, category_id: int, urgency: str) -> RuleUsed:
        municipality_id, region_id = self.places.get(neighbourhood_id, (None, None))
        areas: list[Place] = [
            ("neighbourhood", neighbourhood_id),
            ("municipality", municipality_id),
            ("region", region_id),
            None,
        ]
        # product() walks the keys from most to least specific: urgency, place, category.
        for key in product((urgency, ""), areas, (category_id, None)):
            if key in self.rules:
                return self.rules[key]
        return BUILT_IN[("", None, None)]

    def minutes(self, *, neighbourhood_id: int, category_id: int, urgency: str) -> int:
        return self.rule_for(neighbourhood_id=neighbourhood_id, category_id=category_id, urgency=urgency).minutes

    def threshold(self, *, neighbourhood_id: int, category_id: int, urgency: str) -> timedelta:
        return timedelta(
            minutes=self.minutes(neighbourhood_id=neighbourhood_id, category_id=category_id, urgency=urgency)
        )

    @property
    def shortest(self) -> timedelta:
        """No request can fall due sooner than this: the scan's cutoff."""
        return timedelta(minutes=min(rule.minutes for rule in self.rules.values()))


def _place(rule: EscalationRule) -> Place:
    level = rule.level
    return None if level == RuleLevel.EVERYWHERE else (level, getattr(rule, f"{level}_id"))


def _rules(queryset) -> dict[RuleKey, RuleUsed]:
    rules = dict(BUILT_IN)
    for rule in queryset.select_related("neighbourhood", "municipality", "region"):
        area = rule.area
        rules[(rule.urgency, _place(rule), rule.category_id)] = RuleUsed(
            rule.threshold_minutes, rule.level, area.name if area else ""
        )
    return rules


def thresholds_load() -> Thresholds:
    places = {
        pk: (municipality, region)
        for pk, municipality, region in Neighbourhood.objects.values_list(
            "pk", "municipality_id", "municipality__region_id"
        )
    }
    return Thresholds(_rules(EscalationRule.objects.all()), places)


def rule_for_request(ad) -> RuleUsed:
    """The rule in force for one request, reading only the rules that could apply to it."""
    neighbourhood = Neighbourhood.objects.select_related("municipality").get(pk=ad.neighbourhood_id)
    municipality = neighbourhood.municipality
    candidates = EscalationRule.objects.filter(
        Q(neighbourhood=neighbourhood)
        | Q(municipality=municipality)
        | Q(region_id=municipality.region_id)
        | Q(neighbourhood__isnull=True, municipality__isnull=True, region__isnull=True),
        Q(category_id=ad.category_id) | Q(category__isnull=True),
    )
    places = {neighbourhood.pk: (municipality.pk, municipality.region_id)}
    thresholds = Thresholds(_rules(candidates), places)
    return thresholds.rule_for(neighbourhood_id=ad.neighbourhood_id, category_id=ad.category_id, urgency=ad.urgency)
