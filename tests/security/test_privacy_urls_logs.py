"""Personal data never appears in URLs or logs."""

import logging

from django.core import signing

from accounts import services
from tests import factories
from tests.conftest import api_as
from tests.security.urlwalk import project_routes

# What a URL may carry: ids, slugs and opaque tokens; never an email, name, phone or street.
URL_ARGUMENTS = {"pk", "slug", "token", "uidb64"}


def test_no_url_pattern_takes_personal_data() -> None:
    arguments = {name for route in project_routes() for name, _converter in route.converters}
    assert arguments  # the walk found arguments at all
    assert arguments <= URL_ARGUMENTS, arguments - URL_ARGUMENTS


def test_email_confirmation_link_carries_a_fingerprint_not_the_address(db) -> None:
    user = factories.UserFactory(email="sanne.devries@example.org")
    token = services.email_confirmation_token(user=user)
    payload = signing.loads(token, salt=services.CONFIRM_SALT)
    assert "sanne" not in token.lower() and "example" not in token.lower()
    assert set(payload) == {"u", "e"} and "sanne" not in str(payload["e"])


def test_failed_logins_and_bad_requests_log_no_personal_data(cast, client, caplog, settings) -> None:
    settings.LIMITS_REDIS_URL = ""
    secret = "geheim-wachtwoord-987"
    with caplog.at_level(logging.DEBUG):
        client.post("/account/inloggen/", {"email": cast.author.email, "password": secret})
        api_as(None).post("/api/v1/auth/token/", {"email": cast.author.email, "password": secret}, format="json")
        bad_profile = {"phone": "not a phone ###", "street": "Geheimstraat 1"}
        api_as(cast.author).patch("/api/v1/me/", bad_profile, format="json")
        client.get("/advertenties/987654/")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert caplog.records  # Django did log the bad requests: the check is not blind
    for personal in (cast.author.email, secret, "Geheimstraat", cast.author.display_name):
        assert personal not in logged


def test_logging_config_has_no_request_body_logger(settings) -> None:
    text = repr(settings.LOGGING).lower()
    assert settings.LOGGING["handlers"]  # there is a logging configuration to read
    assert "body" not in text and "request_logging" not in text
