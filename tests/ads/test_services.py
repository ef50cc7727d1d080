"""The domain rules of ads and conversations, called directly."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ads import services
from ads.models import DESCRIPTION_MAX, TITLE_MAX, Ad, Conversation, Reply
from tests import factories


def _create(author, **overrides):
    fields = dict(
        author=author,
        kind=Ad.Kind.REQUEST,
        category=factories.category(),
        title="Wie doet boodschappen?",
        description="Ik kan zelf niet naar de winkel.",
    )
    fields.update(overrides)
    return services.ad_create(**fields)


def test_ad_create_places_ad_in_authors_neighbourhood(cast):
    ad = _create(cast.author)
    assert ad.neighbourhood == cast.noord
    assert ad.status == Ad.Status.OPEN
    assert ad.moderation == Ad.Moderation.VISIBLE
    assert ad.expires_at > ad.created_at


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "x" * (TITLE_MAX + 1)),
        ("description", ""),
        ("description", "x" * (DESCRIPTION_MAX + 1)),
        ("kind", "gift"),
        ("urgency", "soon"),
    ],
)
def test_ad_create_refuses_bad_fields_and_stores_nothing(cast, field, value):
    before = Ad.objects.count()
    with pytest.raises(ValidationError) as error:
        _create(cast.author, **{field: value})
    assert field in error.value.message_dict
    assert Ad.objects.count() == before


def test_ad_create_refuses_unconfirmed_author(cast):
    cast.author.email_confirmed_at = None
    with pytest.raises(PermissionDenied):
        _create(cast.author)


def test_ad_create_refuses_another_neighbourhood(cast):
    with pytest.raises(ValidationError):
        _create(cast.author, neighbourhood=cast.zuid)


def test_worker_without_a_home_posts_in_their_first_neighbourhood_by_default(cast):
    assert _create(cast.worker).neighbourhood == cast.noord


def test_worker_may_post_in_the_neighbourhood_they_work_in(cast):
    ad = _create(cast.worker, neighbourhood=cast.noord)
    assert ad.neighbourhood == cast.noord


def test_consent_is_dropped_on_offers(cast):
    ad = _create(cast.author, kind=Ad.Kind.OFFER, escalation_consent=True)
    assert ad.escalation_consent is False


def test_first_reply_starts_a_conversation_and_later_ones_continue_it(cast):
    first = services.reply_post(ad=cast.ad, author=cast.neighbour, body="Ik help graag.")
    second = services.reply_post(ad=cast.ad, author=cast.neighbour, body="Morgen om tien uur?")
    assert first.conversation_id == second.conversation_id
    assert Conversation.objects.filter(ad=cast.ad, responder=cast.neighbour).count() == 1


def test_author_answers_in_a_named_conversation(cast):
    reply = services.reply_post(ad=cast.ad, author=cast.author, body="Graag!", conversation=cast.conversation)
    assert reply.conversation == cast.conversation


def test_author_must_name_the_conversation(cast):
    with pytest.raises(ValidationError):
        services.reply_post(ad=cast.ad, author=cast.author, body="Hallo")


def test_nobody_writes_in_someone_elses_conversation(cast):
    with pytest.raises(ValidationError):
        services.reply_post(ad=cast.ad, author=cast.neighbour, body="Hoi", conversation=cast.conversation)


def test_empty_reply_is_refused(cast):
    with pytest.raises(ValidationError):
        services.reply_post(ad=cast.ad, author=cast.neighbour, body="   ")


def test_no_reply_to_a_closed_ad(cast):
    services.ad_close(ad=cast.ad, closer=cast.author)
    before = Reply.objects.count()
    with pytest.raises(ValidationError):
        services.reply_post(ad=cast.ad, author=cast.responder, body="Nog iets?")
    assert Reply.objects.count() == before


def test_choose_helper_matches_the_ad(cast):
    ad = services.helper_choose(ad=cast.ad, chooser=cast.author, conversation=cast.conversation)
    assert ad.status == Ad.Status.MATCHED
    assert ad.helper == cast.responder


def test_after_matching_no_new_conversations_but_the_helper_can_still_write(cast):
    services.helper_choose(ad=cast.ad, chooser=cast.author, conversation=cast.conversation)
    with pytest.raises(ValidationError):
        services.reply_post(ad=cast.ad, author=cast.neighbour, body="Ik ook!")
    services.reply_post(ad=cast.ad, author=cast.responder, body="Tot morgen.")


def test_only_the_author_chooses_closes_or_withdraws(cast):
    for action in (
        lambda: services.helper_choose(ad=cast.ad, chooser=cast.worker, conversation=cast.conversation),
        lambda: services.ad_close(ad=cast.ad, closer=cast.responder),
        lambda: services.ad_withdraw(ad=cast.ad, withdrawer=cast.neighbour),
    ):
        with pytest.raises(PermissionDenied):
            action()
    cast.ad.refresh_from_db()
    assert cast.ad.status == Ad.Status.OPEN


def test_helper_must_come_from_a_conversation_on_this_ad(cast):
    other = factories.ConversationFactory(ad=factories.AdFactory(author=cast.author))
    with pytest.raises(ValidationError):
        services.helper_choose(ad=cast.ad, chooser=cast.author, conversation=other)


def test_close_with_thanks_then_closing_again_is_refused(cast):
    ad = services.ad_close(ad=cast.ad, closer=cast.author, thanks="Dank je wel, Bram!")
    assert (ad.status, ad.thanks) == (Ad.Status.DONE, "Dank je wel, Bram!")
    assert ad.closed_at is not None
    with pytest.raises(ValidationError):
        services.ad_withdraw(ad=cast.ad, withdrawer=cast.author)


def test_update_only_while_open(cast):
    services.ad_update(ad=cast.ad, editor=cast.author, changes={"title": "Boodschappen op woensdag"})
    cast.ad.refresh_from_db()
    assert cast.ad.title == "Boodschappen op woensdag"
    services.ad_withdraw(ad=cast.ad, withdrawer=cast.author)
    with pytest.raises(ValidationError):
        services.ad_update(ad=cast.ad, editor=cast.author, changes={"title": "Nog een keer"})


def test_update_refuses_bad_values_and_keeps_the_stored_ones(cast):
    with pytest.raises(ValidationError):
        services.ad_update(ad=cast.ad, editor=cast.author, changes={"title": ""})
    cast.ad.refresh_from_db()
    assert cast.ad.title == "Boodschappen op dinsdag"


def test_proxy_acts_as_author(cast):
    cast.ad.proxy = cast.worker
    cast.ad.save(update_fields=["proxy"])
    services.ad_withdraw(ad=cast.ad, withdrawer=cast.worker)
    cast.ad.refresh_from_db()
    assert cast.ad.status == Ad.Status.WITHDRAWN
