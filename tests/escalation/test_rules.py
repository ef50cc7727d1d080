"""Which threshold applies: the most specific rule wins; defaults 48 h and 4 h for "today"."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from ads.escalation.display import history_line
from ads.escalation.models import Escalation, EscalationRule, EscalationStep, RuleLevel
from ads.escalation.rules import RuleUsed, Thresholds, thresholds_load
from ads.escalation.services import escalation_scan
from tests.conftest import client_for
from tests.escalation.conftest import HOUR, MINUTE, NOW, ladder_of

N, M, R, C = 1, 2, 3, 4  # a neighbourhood in municipality M of region R, and a category
OTHER = 99
AT_N, AT_M, AT_R = ("neighbourhood", N), ("municipality", M), ("region", R)


def minutes(rules: dict, *, urgency: str = "normal", neighbourhood: int = N, category: int = C) -> int:
    built_in = {("", None, None): 2880, ("today", None, None): 240}
    used = {key: RuleUsed(value, RuleLevel.BUILT_IN) for key, value in {**built_in, **rules}.items()}
    thresholds = Thresholds(used, places={N: (M, R), OTHER: (OTHER, OTHER)})
    return thresholds.minutes(neighbourhood_id=neighbourhood, category_id=category, urgency=urgency)


def test_defaults_are_48_hours_and_4_hours_for_today():
    assert minutes({}) == 48 * 60
    assert minutes({}, urgency="today") == 4 * 60


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ({("", AT_N, None): 60, ("", None, C): 90}, 60),  # neighbourhood beats category
        ({("", AT_N, None): 60, ("", AT_N, C): 30}, 30),  # neighbourhood+category beats neighbourhood
        ({("", AT_N, None): 60, ("", AT_M, C): 30}, 60),  # neighbourhood beats municipality+category
        ({("", AT_M, None): 70, ("", AT_M, C): 40}, 40),  # municipality+category beats municipality
        ({("", AT_M, None): 70, ("", AT_R, C): 20}, 70),  # municipality beats region+category
        ({("", AT_R, None): 80, ("", None, C): 20}, 80),  # region beats a category everywhere
        ({("", None, C): 90, ("", ("neighbourhood", OTHER), None): 10}, 90),  # another place's rule does not apply
        ({("", ("municipality", OTHER), None): 10}, 2880),
        ({("normal", None, None): 100, ("", AT_N, C): 30}, 100),  # urgency weighs most
        ({("", None, None): 600}, 600),  # an operator's default replaces the built-in one
    ],
)
def test_the_most_specific_rule_wins(rules, expected):
    assert minutes(rules) == expected


def test_a_today_request_keeps_its_short_default_over_a_general_neighbourhood_rule():
    assert minutes({("", AT_N, None): 24 * 60}, urgency="today") == 4 * 60
    assert minutes({("", AT_N, None): 24 * 60, ("today", AT_N, None): 60}, urgency="today") == 60


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


# One test per level, through the scan: the request escalates at that level's waiting
# time, not a minute before, and its history names the rule.
LEVELS = [
    (
        "neighbourhood+category",
        lambda lad: {"neighbourhood": lad.noord, "category": lad.groceries},
        "neighbourhood Noord",
    ),
    ("neighbourhood", lambda lad: {"neighbourhood": lad.noord}, "neighbourhood Noord"),
    (
        "municipality+category",
        lambda lad: {"municipality": lad.noord.municipality, "category": lad.groceries},
        "municipality Utrecht",
    ),
    ("municipality", lambda lad: {"municipality": lad.noord.municipality}, "municipality Utrecht"),
    (
        "region+category",
        lambda lad: {"region": lad.noord.municipality.region, "category": lad.groceries},
        "region Regio Utrecht",
    ),
    ("region", lambda lad: {"region": lad.noord.municipality.region}, "region Regio Utrecht"),
]


@pytest.mark.parametrize(("level", "place", "words"), LEVELS, ids=[level for level, _p, _w in LEVELS])
def test_each_level_applies_and_the_history_names_it(ladder, level, place, words):
    # A less specific rule with a shorter time exists too: the more specific one must win.
    EscalationRule.objects.create(threshold_minutes=30)
    for less_specific in LEVELS[[name for name, _p, _w in LEVELS].index(level) + 1 :]:
        EscalationRule.objects.create(threshold_minutes=30, **less_specific[1](ladder))
    EscalationRule.objects.create(threshold_minutes=180, **place(ladder))
    ad = ladder.request(age=180 * MINUTE - 1 * MINUTE)
    escalation_scan(now=NOW)
    assert ladder_of(ad) == []
    escalation_scan(now=NOW + MINUTE)
    assert ladder_of(ad) == [("Thuiszorg Noord", 1, "open")]
    escalation = Escalation.objects.get(ad=ad)
    assert (escalation.threshold_minutes, escalation.rule_level) == (180, level.split("+")[0])
    with translation.override("en"):
        history = history_line(EscalationStep.objects.get(escalation=escalation, action="created"))
    assert history.note == f"After 3 hours, rule of {words}."


def test_the_built_in_default_is_named_when_no_rule_applies(ladder):
    ad = ladder.request(age=48 * HOUR)
    escalation_scan(now=NOW)
    step = EscalationStep.objects.get(escalation__ad=ad, action="created")
    with translation.override("en"):
        assert history_line(step).note == "After 48 hours, built-in default."


def test_the_workers_see_the_rule_in_force_before_anything_is_passed_on(ladder):
    EscalationRule.objects.create(municipality=ladder.noord.municipality, threshold_minutes=24 * 60)
    ad = ladder.request(age=HOUR)
    response = client_for(ladder.worker).get(reverse("ads:detail", args=[ad.pk]))
    assert response.status_code == 200
    assert "Waiting time for this request: 24 hours, rule of municipality Utrecht." in response.text
    assert "Waiting time" not in client_for(ladder.offerer).get(reverse("ads:detail", args=[ad.pk])).text
