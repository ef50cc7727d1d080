"""Sign-up, email confirmation, login checks and profile changes, at the service level."""

import hashlib
import logging
import re
from smtplib import SMTPRecipientsRefused
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import resolve

from accounts import services
from accounts.models import User
from tests import factories

STRONG = "boodschappen-dinsdag-42"


def sign_up(**overrides) -> User:
    arguments = {
        "email": "Sanne@Example.org ",
        "password": STRONG,
        "display_name": " Sanne ",
        "postcode": "3511ab",
        "language": "en",
    }
    return services.user_sign_up(**{**arguments, **overrides})


def stored_users() -> list:
    return list(User.objects.order_by("pk").values())


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


# ---- sign-up ----


def test_sign_up_puts_the_resident_in_the_neighbourhood_of_their_postcode(
    cast, noord_postcode, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = sign_up()
    user.refresh_from_db()
    assert user.email == "sanne@example.org"
    assert user.display_name == "Sanne"
    assert user.postcode == "3511 AB"
    assert user.neighbourhood == cast.noord
    assert user.language == "en"
    assert user.check_password(STRONG)
    assert not user.email_confirmed


def test_sign_up_sends_the_confirmation_link_after_commit(cast, noord_postcode, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user = sign_up()
    assert mail.outbox == []  # nothing leaves while the transaction may still roll back
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == ["sanne@example.org"]
    assert message.subject == "Confirm your email address for SamSam"
    assert "Hello Sanne," in message.body
    match = resolve(urlsplit(link_in(message)).path)
    assert match.view_name == "accounts:confirm"
    assert services.user_confirm_email(token=match.kwargs["token"]) == (user, True)


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses the address (550); the error's text names it."""

    def send_messages(self, messages) -> int:
        raise SMTPRecipientsRefused({m.to[0]: (550, b"no such user") for m in messages})


def test_a_refused_confirmation_email_keeps_the_address_out_of_the_log(
    cast, noord_postcode, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        user = sign_up()  # the account is stored all the same
    assert User.objects.filter(pk=user.pk).exists()
    assert f"user {user.pk} not sent" in caplog.text
    assert "sanne@example.org" not in caplog.text.lower()


def test_sign_up_with_a_postcode_no_neighbourhood_covers_says_so(cast, noord_postcode):
    before = stored_users()
    with pytest.raises(ValidationError) as refused:
        sign_up(postcode="9999 ZZ")
    assert refused.value.message_dict == {
        "postcode": ["SamSam is not active in your neighbourhood yet. We are sorry."]
    }
    assert stored_users() == before


def test_sign_up_with_something_that_is_no_postcode(cast, noord_postcode):
    with pytest.raises(ValidationError) as refused:
        sign_up(postcode="hallo")
    assert refused.value.message_dict["postcode"] == ["Enter a Dutch postcode, for example 1234 AB."]


def test_sign_up_refuses_an_email_that_exists_in_another_case(cast, noord_postcode):
    factories.UserFactory(email="sanne@example.org", neighbourhood=cast.noord)
    before = stored_users()
    with pytest.raises(ValidationError) as refused:
        sign_up(email="SANNE@example.ORG")
    assert refused.value.message_dict == {"email": ["There is already an account with this email address."]}
    assert stored_users() == before


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kort", "This password is too short."),
        ("12345678901", "This password is entirely numeric."),
        ("password123", "This password is too common."),
        ("sanne@example.org", "The password is too similar to the email address."),
    ],
)
def test_sign_up_refuses_a_weak_password(cast, noord_postcode, password, message):
    before = stored_users()
    with pytest.raises(ValidationError) as refused:
        sign_up(password=password)
    assert any(text.startswith(message) for text in refused.value.message_dict["password"])
    assert stored_users() == before


def test_sign_up_reports_every_problem_at_once(cast, noord_postcode):
    factories.UserFactory(email="sanne@example.org", neighbourhood=cast.noord)
    with pytest.raises(ValidationError) as refused:
        sign_up(email="sanne@example.org", postcode="9999", password="kort")
    assert set(refused.value.message_dict) == {"email", "postcode", "password"}


# ---- email confirmation ----


def test_a_confirmation_link_confirms_once_and_then_only_says_so(cast):
    user = factories.UserFactory(neighbourhood=cast.noord, email_confirmed_at=None)
    token = services.email_confirmation_token(user=user)
    assert services.user_confirm_email(token=token) == (user, True)
    first = User.objects.get(pk=user.pk).email_confirmed_at
    assert first is not None
    assert services.user_confirm_email(token=token) == (user, False)
    assert User.objects.get(pk=user.pk).email_confirmed_at == first


def test_a_confirmation_link_holds_no_plain_hash_of_the_address(cast):
    # The link's payload is signed, not encrypted: anyone who sees the URL (a proxy log)
    # can read it, and a plain hash of an address is found by hashing guesses.
    user = factories.UserFactory(neighbourhood=cast.noord, email="sanne@example.org", email_confirmed_at=None)
    payload = signing.loads(services.email_confirmation_token(user=user), salt=services.CONFIRM_SALT)
    assert payload["u"] == user.pk
    assert payload["e"] not in hashlib.sha256(b"sanne@example.org").hexdigest()
    assert payload["e"] not in hashlib.md5(b"sanne@example.org").hexdigest()  # noqa: S324 (a guess)


@pytest.mark.parametrize("mangle", [lambda t: t + "x", lambda t: "x" + t, lambda t: "", lambda t: "abc:def"])
def test_a_damaged_confirmation_link_is_refused(cast, mangle):
    user = factories.UserFactory(neighbourhood=cast.noord, email_confirmed_at=None)
    with pytest.raises(ValidationError, match="not valid or has expired"):
        services.user_confirm_email(token=mangle(services.email_confirmation_token(user=user)))
    assert not User.objects.get(pk=user.pk).email_confirmed


def test_a_link_sent_to_an_old_address_does_not_confirm_the_new_one(cast):
    user = factories.UserFactory(neighbourhood=cast.noord, email_confirmed_at=None, email="oud@example.org")
    token = services.email_confirmation_token(user=user)
    User.objects.filter(pk=user.pk).update(email="nieuw@example.org")
    with pytest.raises(ValidationError):
        services.user_confirm_email(token=token)


def test_an_expired_confirmation_link_is_refused(cast, settings):
    user = factories.UserFactory(neighbourhood=cast.noord, email_confirmed_at=None)
    token = services.email_confirmation_token(user=user)
    settings.EMAIL_CONFIRMATION_MAX_AGE = -1
    with pytest.raises(ValidationError):
        services.user_confirm_email(token=token)


def test_a_new_link_goes_only_to_an_unconfirmed_address(cast):
    unconfirmed = factories.UserFactory(neighbourhood=cast.noord, email_confirmed_at=None)
    assert services.email_confirmation_resend(user_id=unconfirmed.pk) is True
    assert services.email_confirmation_resend(user_id=cast.author.pk) is False
    assert services.email_confirmation_resend(user_id=0) is False
    assert [m.to for m in mail.outbox] == [[unconfirmed.email]]


# ---- logging in ----


def test_authenticate_ignores_the_case_of_the_email(cast):
    user = services.user_authenticate(request=None, email=cast.author.email.upper(), password=factories.PASSWORD)
    assert user == cast.author


@pytest.mark.parametrize("email_attr", ["author", "nobody"])
def test_authenticate_refuses_a_wrong_password_or_unknown_email_alike(cast, email_attr):
    email = cast.author.email if email_attr == "author" else "nobody@example.org"
    with pytest.raises(ValidationError) as refused:
        services.user_authenticate(request=None, email=email, password="wrong-password-1")
    assert refused.value.messages == ["The email address or the password is not correct."]


def test_authenticate_refuses_an_unconfirmed_email_and_names_the_account(cast):
    user = factories.UserFactory(neighbourhood=cast.noord, email_confirmed_at=None)
    with pytest.raises(services.EmailNotConfirmed) as refused:
        services.user_authenticate(request=None, email=user.email, password=factories.PASSWORD)
    assert refused.value.user == user
    assert "confirm your email address" in refused.value.messages[0]


def test_an_account_without_email_cannot_log_in(cast):
    User.objects.create_user(None, password=factories.PASSWORD, display_name="Offline")
    with pytest.raises(ValidationError):
        services.user_authenticate(request=None, email="", password=factories.PASSWORD)


def test_a_reset_password_link_also_confirms_the_address(cast):
    user = factories.UserFactory(neighbourhood=cast.noord, email_confirmed_at=None)
    services.email_mark_confirmed(user=user)
    assert User.objects.get(pk=user.pk).email_confirmed


# ---- profile ----


def test_profile_update_changes_only_what_is_given(cast):
    user = cast.author
    User.objects.filter(pk=user.pk).update(phone="06 1234 5678", street="Dorpsstraat 1")
    user.refresh_from_db()
    services.profile_update(user=user, display_name=" Anneke ", language="en")
    user.refresh_from_db()
    assert (user.display_name, user.language, user.phone, user.street) == (
        "Anneke",
        "en",
        "06 1234 5678",
        "Dorpsstraat 1",
    )
    assert user.neighbourhood == cast.noord


def test_profile_update_with_a_new_postcode_moves_the_resident(cast):
    factories.PostcodeFactory(neighbourhood=cast.zuid, digits="3521")
    services.profile_update(user=cast.author, postcode="3521 XY")
    cast.author.refresh_from_db()
    assert (cast.author.neighbourhood, cast.author.postcode) == (cast.zuid, "3521 XY")


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"display_name": "   "}, "display_name"), ({"language": "de"}, "language"), ({"postcode": "9999"}, "postcode")],
)
def test_profile_update_refuses_bad_values_and_changes_nothing(cast, changes, field):
    before = stored_users()
    with pytest.raises(ValidationError) as refused:
        services.profile_update(user=cast.author, **changes)
    assert set(refused.value.message_dict) == {field}
    assert stored_users() == before


def test_api_token_is_the_same_every_time(cast):
    first = services.api_token_obtain(request=None, email=cast.author.email, password=factories.PASSWORD)
    assert services.api_token_obtain(request=None, email=cast.author.email, password=factories.PASSWORD) == first
