"""GDPR self-service: the export covers every model that links to a user; deletion
leaves none of the person's identifying data in any text column."""

import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token

from accounts import gdpr, personal_data
from accounts.models import AuditEntry, User
from ads.models import Ad, Reply
from tests import factories
from tests.conftest import api_as

EMAIL = "henriette.vandermeulen@example.org"
NAME = "Henriette Vandermeulen"
PHONE = "06 9876 5432"
STREET = "Zonnebloemstraat 77"


def _models_linking_to_user() -> set[str]:
    """Independently of the code under test: every model with a forward relation to User."""
    user_model = get_user_model()
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            forward = (field.concrete or field.many_to_many) and not field.auto_created
            if forward and getattr(field, "related_model", None) is user_model:
                found.add(f"{model._meta.app_label}.{model.__name__}")
    return found


@pytest.fixture
def henriette(cast) -> User:
    user = factories.UserFactory(
        email=EMAIL, display_name=NAME, phone=PHONE, street=STREET, postcode="3511 AB", neighbourhood=cast.noord
    )
    ad = factories.AdFactory(author=user, title="Hulp bij de tuin", description=f"Ik woon aan de {STREET}.")
    factories.AdFactory(author=user, title=f"{NAME} zoekt gezelschap")
    conversation = factories.ConversationFactory(ad=ad, responder=cast.responder)
    factories.ReplyFactory(conversation=conversation, author=cast.responder, body="Ik kom morgen.")
    factories.ReplyFactory(conversation=conversation, author=user, body=f"Bel me op {PHONE}, groet {NAME}")
    # A message in someone else's conversation.
    other_conversation = factories.ConversationFactory(ad=cast.ad, responder=user)
    factories.ReplyFactory(conversation=other_conversation, author=user, body=f"Ik ben {NAME}, {EMAIL}")
    Token.objects.create(user=user)
    # Copies of what she wrote elsewhere: a report's note, a neighbour's notification about her ad.
    report_model = apps.get_model("ads", "Report")
    report_model.objects.create(reporter=user, ad=cast.ad, reason="other", note=f"Bel {PHONE}")
    note_model = apps.get_model("notifications", "Notification")
    last_ad = Ad.objects.filter(author=user).latest("pk")
    note_model.objects.create(
        recipient=cast.responder,
        kind="ad.created",
        target_type="ad",
        target_id=last_ad.pk,
        target_url=f"/advertenties/{last_ad.pk}/",
        params={"ad": last_ad.pk, "title": last_ad.title},
    )
    return user


def test_export_has_a_section_for_every_model_that_links_to_a_user(henriette) -> None:
    data = gdpr.data_collect(user=henriette)
    expected = _models_linking_to_user()
    assert expected  # the walk found something: a broken walk must not pass silently
    assert set(data["linked"]) == expected


def test_export_holds_my_rows_and_no_secrets(henriette, cast) -> None:
    data = gdpr.data_collect(user=henriette)
    assert data["user"]["email"] == EMAIL and data["user"]["phone"] == PHONE
    assert "password" not in data["user"]
    assert [ad["title"] for ad in data["linked"]["ads.Ad"]] == ["Hulp bij de tuin", f"{NAME} zoekt gezelschap"]
    bodies = {reply["body"] for reply in data["linked"]["ads.Reply"]}
    assert bodies == {f"Bel me op {PHONE}, groet {NAME}", f"Ik ben {NAME}, {EMAIL}"}
    assert [row["responder_id"] for row in data["linked"]["ads.Conversation"]] == [henriette.pk]
    assert data["linked"]["authtoken.Token"] and "key" not in data["linked"]["authtoken.Token"][0]
    # Other people's rows are not in it.
    assert "Ik kom morgen." not in json.dumps(data)


def test_export_includes_reports_i_filed(henriette, cast) -> None:
    report_model = apps.get_model("ads", "Report")
    report_model.objects.create(reporter=henriette, ad=cast.zuid_ad, reason="spam", note="Dit is reclame.")
    data = gdpr.data_collect(user=henriette)
    assert [row["note"] for row in data["linked"]["ads.Report"]] == [f"Bel {PHONE}", "Dit is reclame."]


def test_export_page_and_api_give_json_and_are_audited(henriette, client) -> None:
    client.force_login(henriette)
    assert client.get(reverse("accounts:privacy_export")).status_code == 200
    response = client.post(reverse("accounts:privacy_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["user"]["email"] == EMAIL
    assert "no-store" in response["Cache-Control"]
    api = api_as(henriette).get("/api/v1/me/export/")
    assert api.status_code == 200 and api.json()["user"]["email"] == EMAIL
    assert AuditEntry.objects.filter(action="data.export", subject_id=henriette.pk).count() == 2


def test_export_api_refuses_anonymous(db) -> None:
    assert api_as(None).get("/api/v1/me/export/").status_code in (401, 403)


def _text_columns() -> list[tuple[str, str]]:
    columns = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                try:
                    kind = connection.introspection.get_field_type(column.type_code, column)
                except KeyError:  # e.g. tsvector on SQLite: not text a person typed
                    continue
                if kind in ("CharField", "TextField", "EmailField", "JSONField", "SlugField", "URLField"):
                    columns.append((table, column.name))
    return columns


def _tables_holding(needle: str) -> list[str]:
    qn = connection.ops.quote_name
    hits = []
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            text = f"CAST({qn(column)} AS TEXT)"
            cursor.execute(f"SELECT COUNT(*) FROM {qn(table)} WHERE LOWER({text}) LIKE %s", [f"%{needle.lower()}%"])  # noqa: S608
            if cursor.fetchone()[0]:
                hits.append(f"{table}.{column}")
    return hits


def test_after_deletion_no_text_column_holds_my_details(henriette, client) -> None:
    # The scan itself can see the details before deletion: it is not blind.
    assert _tables_holding(EMAIL) and _tables_holding(STREET)
    assert len(_tables_holding(PHONE)) >= 3  # the user row, her reply, her report's note
    assert any("notification" in hit for hit in _tables_holding(NAME))
    client.force_login(henriette)
    response = client.post(reverse("accounts:delete"), {"password": factories.PASSWORD})
    assert response.status_code == 302
    for needle in (EMAIL, NAME, PHONE, STREET):
        assert _tables_holding(needle) == [], needle


def test_deletion_revokes_sessions_and_tokens_and_replaces_messages(henriette, cast, client) -> None:
    other_browser = type(client)()
    other_browser.force_login(henriette)
    api_as_token = type(client)()
    token = Token.objects.get(user=henriette).key
    client.force_login(henriette)
    client.post(reverse("accounts:delete"), {"password": factories.PASSWORD})
    henriette.refresh_from_db()
    assert henriette.deleted_at is not None and henriette.email is None and not henriette.is_active
    assert not Token.objects.filter(key=token).exists()
    assert other_browser.get(reverse("accounts:profile")).status_code == 302  # logged out there too
    assert api_as_token.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(henriette.pk)]
    in_other_conversation = Reply.objects.get(conversation__ad=cast.ad, author=henriette)
    assert in_other_conversation.body == gdpr._removed_text()
    assert {ad.status for ad in Ad.objects.filter(author=henriette)} == {Ad.Status.WITHDRAWN}
    assert AuditEntry.objects.filter(action="account.delete", subject_id=henriette.pk).exists()


def test_deletion_needs_the_password(henriette, client) -> None:
    client.force_login(henriette)
    response = client.post(reverse("accounts:delete"), {"password": "wrong-password-123"})
    assert response.status_code == 400
    henriette.refresh_from_db()
    assert henriette.deleted_at is None and henriette.email == EMAIL


def test_guessing_the_password_on_the_deletion_page_is_limited_like_a_login(henriette, client) -> None:
    client.force_login(henriette)
    for _attempt in range(5):
        assert client.post(reverse("accounts:delete"), {"password": "wrong-password-123"}).status_code == 400
    response = client.post(reverse("accounts:delete"), {"password": factories.PASSWORD})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    henriette.refresh_from_db()
    assert henriette.deleted_at is None


def test_purge_removes_accounts_deleted_more_than_30_days_ago(henriette, cast) -> None:
    gdpr.account_delete(user=henriette)
    deleted_at = User.objects.get(pk=henriette.pk).deleted_at
    assert gdpr.accounts_purge(now=deleted_at + timedelta(days=29)) == 0
    assert User.objects.filter(pk=henriette.pk).exists()
    assert gdpr.accounts_purge(now=deleted_at + timedelta(days=30, minutes=1)) == 1
    assert not User.objects.filter(pk=henriette.pk).exists()
    assert not Ad.objects.filter(author_id=henriette.pk).exists()
    assert not Reply.objects.filter(author_id=henriette.pk).exists()
    assert User.objects.filter(pk=cast.author.pk).exists()
    # A second run finds nothing to do.
    assert gdpr.accounts_purge(now=timezone.now() + timedelta(days=60)) == 0


def test_purge_task_is_on_the_daily_beat_schedule() -> None:
    from samsam.celery import app

    app.loader.import_default_modules()
    entry = app.conf.beat_schedule["accounts-purge-deleted"]
    assert entry["task"] == "accounts.purge_deleted" and entry["schedule"] == 24 * 60 * 60
    assert "accounts.purge_deleted" in app.tasks


def test_delete_me_api(henriette) -> None:
    token = Token.objects.get(user=henriette).key
    client = api_as(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.delete("/api/v1/me/").status_code == 204
    henriette.refresh_from_db()
    assert henriette.deleted_at is not None and henriette.email is None
    assert client.get("/api/v1/me/").status_code == 401
    assert api_as(None).delete("/api/v1/me/").status_code in (401, 403)


def test_profile_links_to_my_data_pages(henriette, client) -> None:
    client.force_login(henriette)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:privacy_export") in page and reverse("accounts:delete") in page


def test_the_name_left_behind_is_in_the_sites_language_whoever_deletes(henriette, settings) -> None:
    # Stored text is read by everyone: it must not depend on the language of the request.
    client = api_as(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=henriette).key}")
    assert client.delete("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en").status_code == 204
    henriette.refresh_from_db()
    with translation.override(settings.LANGUAGE_CODE):
        assert henriette.display_name == translation.gettext("Former resident") != "Former resident"


def test_each_part_of_ads_registers_what_erasure_means() -> None:
    assert {"ads", "ads.escalation", "ads.moderation"} <= set(personal_data.registered())
    assert len(personal_data.erasers()) >= 3
    assert "ads.Ad.search_vector" in personal_data.never_exported()


def test_a_new_apps_hooks_run_on_export_and_deletion(henriette, monkeypatch) -> None:
    """How a later app (a call list, check-ins) joins: it registers, accounts calls."""
    monkeypatch.setattr(personal_data, "_registry", dict(personal_data._registry))
    erased = []
    personal_data.register(
        "probe",
        erase=lambda erasure: erased.append((erasure.user.pk, erasure.user.email, erasure.removed)),
        export=lambda user: {"probe.CallItem": [{"phone": user.phone}]},
        never_export={"accounts.User.street"},
    )
    data = gdpr.data_collect(user=henriette)
    assert data["linked"]["probe.CallItem"] == [{"phone": PHONE}]
    assert data["user"]["phone"] == PHONE and "street" not in data["user"]
    gdpr.account_delete(user=henriette)
    # Called once, before the account's own fields are erased, with the notice to put in place.
    assert erased == [(henriette.pk, EMAIL, gdpr._removed_text())]
    assert User.objects.get(pk=henriette.pk).email is None
