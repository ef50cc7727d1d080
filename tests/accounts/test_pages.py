"""The account pages: sign-up, confirmation, login, logout, password reset and profile."""

import logging
import re
from smtplib import SMTPRecipientsRefused
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from accounts.models import User
from accounts.services import email_confirmation_send
from tests import factories
from tests.accounts.conftest import NOORD_POSTCODE
from tests.conftest import client_for

SIGNUP = reverse("accounts:signup")
LOGIN = reverse("accounts:login")
PROFILE = reverse("accounts:profile")
STRONG = "boodschappen-dinsdag-42"
VALID = {
    "email": "sanne@example.org",
    "display_name": "Sanne",
    "postcode": NOORD_POSTCODE,
    "password": STRONG,
    "password_again": STRONG,
}


def stored_users() -> list:
    return list(User.objects.order_by("pk").values())


def link_path(message) -> str:
    return urlsplit(re.search(r"https?://\S+", message.body).group(0)).path


def sign_up(client, capture, **changes):
    with capture(execute=True):
        return client.post(SIGNUP, {**VALID, **changes})


# ---- sign-up and confirmation ----


def test_sign_up_page_has_labelled_fields_and_one_heading(db):
    response = client_for().get(SIGNUP)
    assert response.status_code == 200
    assert set(response.context["form"].fields) == {"email", "display_name", "postcode", "password", "password_again"}
    for field in ["email", "display_name", "postcode", "password", "password_again"]:
        assert f'<label for="id_{field}">' in response.text
    assert response.text.count("<h1") == 1
    assert '<html lang="en">' in response.text


def test_sign_up_confirm_and_be_logged_in(cast, noord_postcode, django_capture_on_commit_callbacks):
    client = client_for()
    response = sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    assert "Check your email" in client.get(response["Location"]).text
    [message] = mail.outbox
    assert message.to == ["sanne@example.org"]
    user = User.objects.get(email="sanne@example.org")
    assert user.neighbourhood == cast.noord and user.language == "en" and not user.email_confirmed

    response = client.get(link_path(message), follow=True)
    assert response.redirect_chain[-1][0] == reverse("ads:board", args=["noord"])
    assert "Your email address is confirmed. Welcome to SamSam!" in response.text
    assert response.context["user"] == user
    assert User.objects.get(pk=user.pk).email_confirmed


def test_sign_up_survives_a_mail_server_that_is_down(
    cast, noord_postcode, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 1, False  # a closed port
    response = sign_up(client_for(), django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:signup_done")
    assert User.objects.filter(email="sanne@example.org").exists()  # a new link can be asked for later


def test_a_confirmation_link_used_again_does_not_log_in(cast, django_capture_on_commit_callbacks):
    user = factories.UserFactory(neighbourhood=cast.noord, email_confirmed_at=None)
    email_confirmation_send(user=user)
    path = link_path(mail.outbox[0])
    client_for().get(path)
    second = client_for()
    response = second.get(path, follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "Your email address is confirmed. You can log in now." in response.text
    assert not response.context["user"].is_authenticated


def test_a_bad_confirmation_link_says_so_with_a_way_on(db):
    response = client_for().get(reverse("accounts:confirm", args=["nonsense:abc"]))
    assert response.status_code == 400
    assert "This confirmation link is not valid or has expired." in response.text
    assert LOGIN in response.text


def test_sign_up_with_an_unknown_postcode_reshows_what_was_typed(
    cast, noord_postcode, django_capture_on_commit_callbacks
):
    before = stored_users()
    response = sign_up(client_for(), django_capture_on_commit_callbacks, postcode="9999 ZZ")
    assert response.status_code == 400
    assert "SamSam is not active in your neighbourhood yet. We are sorry." in response.text
    assert 'value="sanne@example.org"' in response.text
    assert 'value="9999 ZZ"' in response.text
    assert STRONG not in response.text  # a password is never sent back
    assert 'aria-describedby="id_postcode_helptext id_postcode_error"' in response.text
    assert stored_users() == before and mail.outbox == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"display_name": "x" * 61}, "display_name", "Ensure this value has at most 60 characters (it has 61)."),
        ({"display_name": ""}, "display_name", "Enter the name your neighbours will see."),
        ({"email": "geen-adres"}, "email", "Enter a valid email address."),
        ({"postcode": "12345678"}, "postcode", "Ensure this value has at most 7 characters (it has 8)."),
        ({"password_again": "iets-anders-42"}, "password_again", "The two passwords are not the same."),
        ({"password": "12345", "password_again": "12345"}, "password", "This password is too short."),
    ],
)
def test_sign_up_bad_input_is_refused_next_to_its_field(
    cast, noord_postcode, django_capture_on_commit_callbacks, changes, field, message
):
    before = stored_users()
    response = sign_up(client_for(), django_capture_on_commit_callbacks, **changes)
    assert response.status_code == 400
    assert message in response.text
    assert f'id="id_{field}_error"' in response.text
    assert stored_users() == before and mail.outbox == []


def test_sign_up_shows_html_in_a_name_escaped(cast, noord_postcode, django_capture_on_commit_callbacks):
    response = sign_up(
        client_for(), django_capture_on_commit_callbacks, display_name="<script>x</script>", postcode="9999"
    )
    assert response.status_code == 400
    assert "<script>x</script>" not in response.text
    assert "&lt;script&gt;x&lt;/script&gt;" in response.text


def test_sign_up_with_an_existing_email_in_another_case(cast, noord_postcode, django_capture_on_commit_callbacks):
    response = sign_up(client_for(), django_capture_on_commit_callbacks, email=cast.author.email.upper())
    assert response.status_code == 400
    assert "There is already an account with this email address." in response.text


def test_signed_in_people_are_sent_home_from_the_sign_up_page(cast):
    response = client_for(cast.author).get(SIGNUP)
    assert response.status_code == 302 and response["Location"] == reverse("home")


# ---- login and logout ----


def test_login_page_is_accessible_and_links_to_the_reset(db):
    response = client_for().get(LOGIN)
    assert response.status_code == 200
    assert '<label for="id_email">' in response.text and '<label for="id_password">' in response.text
    assert reverse("accounts:password_reset") in response.text
    assert response.text.count("<h1") == 1


def test_login_activates_the_users_language(cast):
    User.objects.filter(pk=cast.author.pk).update(language="nl")
    client = client_for()
    response = client.post(LOGIN, {"email": cast.author.email.upper(), "password": factories.PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    assert '<html lang="nl">' in client.get(PROFILE).text


def test_login_follows_a_local_next_but_not_another_site(cast):
    board = reverse("ads:board", args=["noord"])
    response = client_for().post(LOGIN, {"email": cast.author.email, "password": factories.PASSWORD, "next": board})
    assert response["Location"] == board
    response = client_for().post(
        LOGIN, {"email": cast.author.email, "password": factories.PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_login_page_keeps_next_from_the_query(db):
    response = client_for().get(LOGIN + "?next=/account/profiel/")
    assert 'name="next" value="/account/profiel/"' in response.text


def test_login_with_a_wrong_password_reshows_the_email(cast):
    response = client_for().post(LOGIN, {"email": cast.author.email, "password": "niet-goed-123"})
    assert response.status_code == 400
    assert "The email address or the password is not correct." in response.text
    assert f'value="{cast.author.email}"' in response.text
    assert "niet-goed-123" not in response.text
    assert not response.context["user"].is_authenticated


def test_login_with_an_empty_form_names_both_fields(db):
    response = client_for().post(LOGIN, {})
    assert response.status_code == 400
    assert "Enter your email address." in response.text and "Enter your password." in response.text


def test_login_with_an_unconfirmed_email_offers_a_new_link(cast):
    user = factories.UserFactory(neighbourhood=cast.noord, email_confirmed_at=None)
    client = client_for()
    response = client.post(LOGIN, {"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 400
    assert "Please confirm your email address first." in response.text
    assert reverse("accounts:confirm_resend") in response.text
    assert not response.context["user"].is_authenticated

    response = client.post(reverse("accounts:confirm_resend"), follow=True)
    assert "We sent you a new email." in response.text
    [message] = mail.outbox
    assert message.to == [user.email]
    client.get(link_path(message))
    assert User.objects.get(pk=user.pk).email_confirmed


def test_a_new_link_with_the_mail_server_down_says_so(cast, settings):
    user = factories.UserFactory(neighbourhood=cast.noord, email_confirmed_at=None)
    client = client_for()
    client.post(LOGIN, {"email": user.email, "password": factories.PASSWORD})
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 1, False  # a closed port
    response = client.post(reverse("accounts:confirm_resend"), follow=True)
    assert response.status_code == 200
    assert "We could not send the email right now." in response.text


def test_new_confirmation_links_are_limited_to_three_an_hour(cast):
    user = factories.UserFactory(neighbourhood=cast.noord, email_confirmed_at=None)
    client = client_for()
    client.post(LOGIN, {"email": user.email, "password": factories.PASSWORD})
    for _attempt in range(3):
        assert client.post(reverse("accounts:confirm_resend")).status_code == 302
    response = client.post(reverse("accounts:confirm_resend"))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "too many confirmation emails" in response.text
    assert len(mail.outbox) == 3


def test_a_new_link_needs_a_login_attempt_from_this_browser_first(cast):
    factories.UserFactory(neighbourhood=cast.noord, email_confirmed_at=None)
    response = client_for().post(reverse("accounts:confirm_resend"), follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "Log in with your email and password. Then you can ask for a new link." in response.text
    assert mail.outbox == []


def test_logout_does_not_answer_get(cast):
    client = client_for(cast.author)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(PROFILE).status_code == 200  # still logged in


def test_logout_by_post(cast):
    client = client_for(cast.author)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(PROFILE).status_code == 302


# ---- password reset ----


def test_password_reset_from_email_to_new_password(cast):
    client = client_for()
    response = client.post(reverse("accounts:password_reset"), {"email": cast.author.email.upper()}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:password_reset_done")
    assert "Check your email" in response.text
    [message] = mail.outbox
    assert message.to == [cast.author.email]
    assert message.subject == "Choose a new password for SamSam"
    assert settings.SITE_URL + "/account/wachtwoord-vergeten/" in message.body

    response = client.get(link_path(message), follow=True)
    assert response.status_code == 200
    assert "Choose a new password" in response.text
    form_url = response.redirect_chain[-1][0]
    new = "nieuw-wachtwoord-77"
    response = client.post(form_url, {"new_password1": new, "new_password2": new}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:password_reset_complete")
    assert "Your new password is saved" in response.text
    assert client_for().post(LOGIN, {"email": cast.author.email, "password": new}).status_code == 302
    # The link works once.
    assert "This link does not work any more." in client.get(link_path(message), follow=True).text


def test_password_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(db):
    response = client_for().post(reverse("accounts:password_reset"), {"email": "niemand@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_password_reset_email_is_in_the_users_language_not_the_pages(cast):
    client = client_for()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    client.post(reverse("accounts:password_reset"), {"email": cast.author.email})  # author reads English
    [message] = mail.outbox
    assert "Someone asked for a new password for your SamSam account." in message.body
    assert message.subject == "Choose a new password for SamSam"


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses the address (550); the error's text names it."""

    def send_messages(self, messages) -> int:
        raise SMTPRecipientsRefused({m.to[0]: (550, b"no such user") for m in messages})


def test_a_refused_reset_email_looks_the_same_and_keeps_the_address_out_of_the_log(cast, settings, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with caplog.at_level(logging.DEBUG):
        response = client_for().post(reverse("accounts:password_reset"), {"email": cast.author.email})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_done")
    assert f"user {cast.author.pk} not sent" in caplog.text
    assert cast.author.email.lower() not in caplog.text.lower()


def test_a_finished_password_reset_confirms_the_address(cast):
    user = factories.UserFactory(neighbourhood=cast.noord, email_confirmed_at=None)
    client = client_for()
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    form_url = client.get(link_path(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "nieuw-wachtwoord-77", "new_password2": "nieuw-wachtwoord-77"})
    assert User.objects.get(pk=user.pk).email_confirmed


def test_password_reset_with_a_bad_email_reshows_it(db):
    response = client_for().post(reverse("accounts:password_reset"), {"email": "<b>geen</b>"})
    assert response.status_code == 200  # Django's view re-renders an invalid form with 200
    assert "Enter a valid email address." in response.text
    assert "&lt;b&gt;geen&lt;/b&gt;" in response.text


# ---- profile ----


def test_profile_shows_the_neighbourhood_and_says_what_is_private(cast):
    response = client_for(cast.author).get(PROFILE)
    assert response.status_code == 200
    assert "Noord" in response.text
    assert "Phone number (private)" in response.text
    assert "Street and house number (private)" in response.text
    assert "Your phone number and address are private." in response.text


def test_profile_update_saves_and_switches_the_language(cast):
    client = client_for(cast.author)
    data = {"display_name": "Anneke", "phone": "06 1234 5678", "street": "Dorpsstraat 1", "language": "nl"}
    response = client.post(PROFILE, data)
    assert response.status_code == 302 and response["Location"] == PROFILE
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    user = User.objects.get(pk=cast.author.pk)
    assert (user.display_name, user.phone, user.street, user.language) == (
        "Anneke",
        "06 1234 5678",
        "Dorpsstraat 1",
        "nl",
    )
    page = client.get(PROFILE).text
    assert '<html lang="nl">' in page
    assert 'value="Anneke"' in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"display_name": "y" * 61}, "display_name", "Ensure this value has at most 60 characters (it has 61)."),
        ({"display_name": "  "}, "display_name", "Enter the name your neighbours will see."),
        ({"phone": "bel me <b>niet</b>"}, "phone", "Use only digits, spaces and + - ( ), for example 06 1234 5678."),
        ({"street": "s" * 151}, "street", "Ensure this value has at most 150 characters (it has 151)."),
        ({"language": "de"}, "language", "Choose one of the languages in the list."),
    ],
)
def test_profile_bad_input_is_refused_and_changes_nothing(cast, changes, field, message):
    client = client_for(cast.author)  # logging in stores last_login: before the snapshot
    before = stored_users()
    data = {"display_name": "Anna", "phone": "", "street": "", "language": "en", **changes}
    response = client.post(PROFILE, data)
    assert response.status_code == 400
    assert message in response.text
    assert f'id="id_{field}_error"' in response.text
    assert stored_users() == before


def test_profile_shows_html_escaped(cast):
    data = {"display_name": "Anna", "phone": "<script>alert(1)</script>", "street": "", "language": "en"}
    response = client_for(cast.author).post(PROFILE, data)
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
