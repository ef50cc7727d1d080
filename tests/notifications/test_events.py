"""Each event of an ad stores a notification for the right people, in the same transaction."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ads import services
from ads.models import Ad
from notifications.models import Notification
from tests import factories


def notes(kind: str) -> list[tuple[int, int]]:
    """(recipient, target ad) of every stored notification of `kind`."""
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", "target_id"))


def test_a_reply_by_a_responder_notifies_the_author(cast):
    reply = services.reply_post(ad=cast.ad, author=cast.responder, body="Ik kan morgen")
    note = Notification.objects.get(kind="reply.created")
    assert (note.recipient_id, note.target_type, note.target_id) == (cast.author.pk, "ad", cast.ad.pk)
    assert note.target_url == reverse("ads:detail", args=[cast.ad.pk]) + f"#conversation-{cast.conversation.pk}"
    assert note.params["title"] == cast.ad.title
    assert note.dedupe_key == f"reply.created:reply:{reply.pk}"


def test_a_reply_by_the_author_notifies_the_responder_only(cast):
    services.reply_post(ad=cast.ad, author=cast.author, body="Graag!", conversation=cast.conversation)
    assert notes("reply.created") == [(cast.responder.pk, cast.ad.pk)]


def test_a_reply_on_an_ad_posted_on_behalf_reaches_author_and_proxy(cast):
    proxy = factories.UserFactory(neighbourhood=cast.noord)
    Ad.objects.filter(pk=cast.ad.pk).update(proxy=proxy)
    services.reply_post(ad=cast.ad, author=cast.neighbour, body="Ik help")
    assert notes("reply.created") == sorted([(cast.author.pk, cast.ad.pk), (proxy.pk, cast.ad.pk)])


def test_a_refused_reply_notifies_nobody(cast):
    with pytest.raises(ValidationError):
        services.reply_post(ad=cast.ad, author=cast.responder, body="   ")
    assert not Notification.objects.exists()
    services.reply_post(ad=cast.ad, author=cast.responder, body="Toch wel")  # a valid one does notify
    assert notes("reply.created") == [(cast.author.pk, cast.ad.pk)]


def test_the_chosen_helper_is_notified(cast):
    services.helper_choose(ad=cast.ad, chooser=cast.author, conversation=cast.conversation)
    assert notes("ad.helper_chosen") == [(cast.responder.pk, cast.ad.pk)]
    assert Notification.objects.count() == 1


def test_closing_with_thanks_notifies_the_helper(cast):
    services.helper_choose(ad=cast.ad, chooser=cast.author, conversation=cast.conversation)
    services.ad_close(ad=cast.ad, closer=cast.author, thanks="Dank je wel")
    assert notes("ad.thanked") == [(cast.responder.pk, cast.ad.pk)]


def test_closing_without_a_helper_or_withdrawing_thanks_nobody(cast):
    services.ad_close(ad=cast.ad, closer=cast.author)
    other = factories.AdFactory(author=cast.author)
    factories.ConversationFactory(ad=other, responder=cast.neighbour)
    services.ad_withdraw(ad=other, withdrawer=cast.author)
    assert Ad.objects.get(pk=cast.ad.pk).status == Ad.Status.DONE
    assert Ad.objects.get(pk=other.pk).status == Ad.Status.WITHDRAWN
    assert not Notification.objects.filter(kind="ad.thanked").exists()


# ---- matching ----


def offer(author, category="boodschappen", **fields) -> Ad:
    fields.setdefault("kind", Ad.Kind.OFFER)
    return factories.AdFactory(author=author, category=factories.category(category), **fields)


def post_request(author, category="boodschappen") -> Ad:
    return services.ad_create(
        author=author,
        kind=Ad.Kind.REQUEST,
        category=factories.category(category),
        title="Wie haalt boodschappen?",
        description="Ik kan niet lopen.",
    )


def test_a_new_request_reaches_only_neighbours_with_an_open_offer_in_its_category(cast):
    offering = [factories.UserFactory(neighbourhood=cast.noord) for _ in range(2)]
    for user in offering:
        offer(user)
    offer(cast.outsider)  # another neighbourhood
    offer(factories.UserFactory(neighbourhood=cast.noord), category="tuin")  # another category
    offer(factories.UserFactory(neighbourhood=cast.noord), status=Ad.Status.DONE)  # closed offer
    offer(factories.UserFactory(neighbourhood=cast.noord), status=Ad.Status.WITHDRAWN)
    offer(factories.UserFactory(neighbourhood=cast.noord), moderation=Ad.Moderation.HIDDEN)
    offer(factories.UserFactory(neighbourhood=cast.noord), kind=Ad.Kind.REQUEST)  # a request, not an offer
    offer(factories.UserFactory(neighbourhood=cast.noord, is_active=False))
    offer(cast.author)  # the author's own offer
    ad = post_request(cast.author)
    assert notes("ad.match") == sorted((user.pk, ad.pk) for user in offering)
    note = Notification.objects.filter(kind="ad.match").first()
    assert note.params["category"] == {"nl": "Boodschappen", "en": ad.category.name_en}


def test_an_offer_left_behind_in_a_neighbourhood_one_moved_away_from_does_not_match(cast):
    mover = factories.UserFactory(neighbourhood=cast.noord)
    offer(mover)
    mover.neighbourhood = cast.zuid
    mover.save(update_fields=["neighbourhood"])
    offer(cast.neighbour)  # an offer of someone who still lives there
    ad = post_request(cast.author)
    assert notes("ad.match") == [(cast.neighbour.pk, ad.pk)]


def test_a_request_in_zuid_does_not_reach_noord(cast):
    offer(cast.neighbour)
    zuid_neighbour = factories.UserFactory(neighbourhood=cast.zuid)
    offer(zuid_neighbour)
    ad = post_request(cast.outsider)
    assert notes("ad.match") == [(zuid_neighbour.pk, ad.pk)]


def test_a_new_offer_matches_nobody(cast):
    offer(cast.neighbour)
    services.ad_create(
        author=cast.author,
        kind=Ad.Kind.OFFER,
        category=factories.category(),
        title="Ik doe boodschappen",
        description="Elke dinsdag.",
    )
    assert Ad.objects.filter(kind=Ad.Kind.OFFER, title="Ik doe boodschappen").exists()
    assert notes("ad.match") == []


# ---- expiry ----


def test_the_reminder_asks_once_three_days_before_the_end_with_a_renew_link(cast):
    now = timezone.now()
    Ad.objects.filter(pk=cast.ad.pk).update(expires_at=now + timedelta(days=2, hours=23))
    later = factories.AdFactory(author=cast.author, expires_at=now + timedelta(days=3, hours=1))
    done = factories.AdFactory(author=cast.author, status=Ad.Status.DONE, expires_at=now + timedelta(days=1))
    assert services.ads_expiry_remind(now=now) == 1
    assert services.ads_expiry_remind(now=now + timedelta(minutes=30)) == 0  # the next run: nothing twice
    assert notes("ad.expiring") == [(cast.author.pk, cast.ad.pk)]
    assert Notification.objects.get(kind="ad.expiring").target_url == reverse("ads:renew", args=[cast.ad.pk])
    assert services.ads_expiry_remind(now=now + timedelta(hours=3)) == 1  # `later` is due now
    assert notes("ad.expiring") == sorted([(cast.author.pk, cast.ad.pk), (cast.author.pk, later.pk)])
    assert done.pk not in [t for _r, t in notes("ad.expiring")]


def test_a_renewed_ad_is_reminded_again_before_its_new_end(cast):
    now = timezone.now()
    Ad.objects.filter(pk=cast.ad.pk).update(expires_at=now + timedelta(days=2))
    services.ads_expiry_remind(now=now)
    ad = services.ad_renew(ad=cast.ad, renewer=cast.author, now=now)
    assert ad.expires_at == now + timedelta(days=30)
    services.ads_expiry_remind(now=now + timedelta(days=28))
    assert Notification.objects.filter(kind="ad.expiring", recipient=cast.author).count() == 2


def test_only_the_author_may_renew_and_only_a_running_ad(cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.ad_renew(ad=cast.ad, renewer=cast.responder)
    services.ad_withdraw(ad=cast.ad, withdrawer=cast.author)
    before = Ad.objects.get(pk=cast.ad.pk).expires_at
    with pytest.raises(ValidationError):
        services.ad_renew(ad=cast.ad, renewer=cast.author)
    assert Ad.objects.get(pk=cast.ad.pk).expires_at == before


def test_the_expiry_job_closes_expired_ads_records_the_event_and_tells_the_owner(cast):
    now = timezone.now()
    matched = factories.AdFactory(author=cast.author, status=Ad.Status.MATCHED, expires_at=now - timedelta(hours=1))
    Ad.objects.filter(pk=cast.ad.pk).update(expires_at=now - timedelta(minutes=1))
    running = factories.AdFactory(author=cast.author, expires_at=now + timedelta(minutes=1))
    done = factories.AdFactory(author=cast.author, status=Ad.Status.DONE, expires_at=now - timedelta(days=1))
    assert services.ads_expire(now=now) == 2
    assert services.ads_expire(now=now) == 0
    states = dict(Ad.objects.values_list("pk", "status"))
    assert states[cast.ad.pk] == states[matched.pk] == Ad.Status.EXPIRED
    assert (states[running.pk], states[done.pk]) == (Ad.Status.OPEN, Ad.Status.DONE)
    assert Ad.objects.get(pk=cast.ad.pk).closed_at == now
    assert list(cast.ad.events.values_list("kind", flat=True)) == ["ad.expired"]
    assert notes("ad.expired") == sorted([(cast.author.pk, cast.ad.pk), (cast.author.pk, matched.pk)])


def test_the_periodic_tasks_run_the_expiry_with_the_real_clock(cast):
    from ads import tasks

    Ad.objects.filter(pk=cast.ad.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    Ad.objects.filter(pk=cast.zuid_ad.pk).update(expires_at=timezone.now() + timedelta(days=1))
    tasks.ads_expire()
    tasks.ads_expiry_remind()
    tasks.ads_expiry_remind()
    assert Ad.objects.get(pk=cast.ad.pk).status == Ad.Status.EXPIRED
    assert notes("ad.expired") == [(cast.author.pk, cast.ad.pk)]
    assert notes("ad.expiring") == [(cast.outsider.pk, cast.zuid_ad.pk)]
