"""What a notification says: each app registers its kinds' texts; notifications renders them."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from notifications import messages

# Every kind the ads app sends, with the parameters its notify modules store.
SENT_BY_ADS = {
    "reply.created": {"title": "Tuin"},
    "ad.helper_chosen": {"title": "Tuin"},
    "ad.thanked": {"title": "Tuin"},
    "ad.match": {"title": "Tuin", "category": {"nl": "tuin", "en": "garden"}},
    "ad.expiring": {"title": "Tuin"},
    "ad.expired": {"title": "Tuin"},
    "ad.still_needed": {"ad": 1},
    "ad.offer_reminder": {"ad": 1},
    "escalation.created": {"ad": 1},
    "escalation.raised": {"ad": 1, "partner": 2},
    "escalation.cancelled": {"ad": 1, "reason": "withdrawn"},
    "moderation.approved": {"title": "Tuin"},
    "moderation.hidden": {"title": "Tuin", "reason": "Spam"},
    "moderation.restored": {"title": "Tuin", "reason": "Spam"},
    "moderation.dismissed": {"title": "Tuin", "reason": "Spam"},
    "moderation.reply_hidden": {"title": "Tuin", "reason": "Spam"},
    "moderation.reply_restored": {"title": "Tuin", "reason": "Spam"},
    "moderation.reply_dismissed": {"title": "Tuin", "reason": "Spam"},
    "moderation.auto_hidden": {"title": "Tuin"},
    "moderation.reported": {"title": "Tuin"},
    "moderation.pending": {"title": "Tuin"},
    "moderation.warn": {"reason": "Spam"},
    "moderation.suspend": {"reason": "Spam", "until": {"nl": "1 mei", "en": "1 May"}},
    "moderation.reinstate": {},
}


@pytest.fixture
def own_registry(monkeypatch) -> None:
    monkeypatch.setattr(messages, "_texts", dict(messages._texts))


def test_every_kind_ads_sends_has_its_sentence_in_both_languages() -> None:
    assert set(SENT_BY_ADS) <= messages.registered_kinds()
    for language in ("en", "nl"):
        with translation.override(language):
            fallback = str(messages.FALLBACK)
            texts = {kind: messages.message(kind, params) for kind, params in SENT_BY_ADS.items()}
        assert [kind for kind, text in texts.items() if text == fallback or "…" in text] == [], language
    with translation.override("en"):
        ad_match = messages.message("ad.match", SENT_BY_ADS["ad.match"])
    assert ad_match == "A neighbour needs help with garden: “Tuin”."


def test_an_unknown_kind_reads_as_news() -> None:
    with translation.override("en"):
        assert messages.message("nobody.sends.this", {}) == "There is news for you."


def test_a_kind_belongs_to_one_app(own_registry) -> None:
    messages.register({"probe.done": "%(n)s done"})
    messages.register({"probe.done": messages._texts["probe.done"]})  # the same text again: harmless
    with pytest.raises(ImproperlyConfigured):
        messages.register({"ad.match": "Something else"})
    assert messages.message("probe.done", {"n": 3}) == "3 done"


def test_a_renderer_says_what_a_format_string_cannot(own_registry) -> None:
    messages.register({"probe.counted": lambda params: f"{params['n']} of {params['total']} done"})
    assert messages.message("probe.counted", {"n": 2}) == "2 of … done"
