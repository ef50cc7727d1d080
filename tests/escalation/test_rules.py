"""Which threshold applies: the most specific rule wins; defaults 48 h and 4 h for "today"."""

from datetime import timedelta

import pytest

from ads.escalation.models import EscalationRule
from ads.escalation.rules import Thresholds, thresholds_load
from ads.escalation.services import escalation_scan
from tests.escalation.conftest import HOUR, MINUTE, NOW, ladder_of

N, C = 1, 2  # a neighbourhood id and a category id


def minutes(rules: dict, *, urgency: str = "normal", neighbourhood: int = N, category: int = C) -> int:
    thresholds = Thresholds({**{("", None, None): 2880, ("today", None, None): 240}, **rules})
    return thresholds.minutes(neighbourhood_id=neighbourhood, category_id=category, urgency=urgency)


def test_defaults_are_48_hours_and_4_hours_for_today():
    assert minutes({}) == 48 * 60
    assert minutes({}, urgency="today") == 4 * 60


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ({("", N, None): 60, ("", None, C): 90}, 60),  # neighbourhood beats category
        ({("", N, None): 60, ("", N, C): 30}, 30),  # neighbourhood+category beats neighbourhood
        ({("", None, C): 90, ("", 99, None): 10}, 90),  # another neighbourhood's rule does not apply
        ({("normal", None, None): 100, ("", N, C): 30}, 100),  # urgency weighs most
        ({("", None, None): 600}, 600),  # a coordinator's default replaces the built-in one
    ],
)
def test_the_most_specific_rule_wins(rules, expected):
    assert minutes(rules) == expected


def test_a_today_request_keeps_its_short_default_over_a_general_neighbourhood_rule():
    assert minutes({("", N, None): 24 * 60}, urgency="today") == 4 * 60
    assert minutes({("", N, None): 24 * 60, ("today", N, None): 60}, urgency="today") == 60


def test_shortest_threshold_bounds_the_scan(db):
    assert thresholds_load().shortest == timedelta(hours=4)


def test_neighbourhood_rule_escalates_at_its_threshold_and_only_there(ladder):
    EscalationRule.objects.create(neighbourhood=ladder.noord, threshold_minutes=90)
    ad = ladder.request(age=90 * MINUTE)
    younger = ladder.request(age=89 * MINUTE)
    escalation_scan(now=NOW)
    assert ladder_of(ad) == [("Thuiszorg Noord", 1, "open")]
    assert ladder_of(younger) == []


def test_category_rule(ladder):
    EscalationRule.objects.create(category=ladder.groceries, threshold_minutes=5 * 60)
    groceries = ladder.request(age=5 * HOUR)
    company = ladder.request(age=5 * HOUR, category=ladder.company)
    escalation_scan(now=NOW)
    assert ladder_of(groceries) == [("Thuiszorg Noord", 1, "open")]
    assert ladder_of(company) == []


def test_default_rule_is_48_hours(ladder):
    ad = ladder.request(age=48 * HOUR - MINUTE)
    escalation_scan(now=NOW)
    assert ladder_of(ad) == []
    escalation_scan(now=NOW + MINUTE)
    assert ladder_of(ad) == [("Thuiszorg Noord", 1, "open")]


def test_urgency_today_escalates_after_4_hours(ladder):
    today = ladder.request(age=4 * HOUR, urgency="today")
    normal = ladder.request(age=4 * HOUR)
    escalation_scan(now=NOW)
    assert ladder_of(today) == [("Thuiszorg Noord", 1, "open")]
    assert ladder_of(normal) == []
