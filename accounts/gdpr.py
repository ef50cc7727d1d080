"""GDPR self-service: a person takes out all their data, or erases their account.

The export walks the app registry: every model with a foreign key, one-to-one or
many-to-many field pointing at the user model is exported, so a model added later is
covered without touching this file. Secrets (password hash, token keys) and columns that
only repeat others are left out: this app's by the list below, other apps' as they
registered them (accounts/personal_data.py).

Deletion erases at once what identifies the person, revokes sessions and tokens, and
marks the account deleted; what the person wrote elsewhere (messages in other people's
conversations, their own posts) each app erases through the eraser it registered.
`accounts_purge` removes the rows 30 days later.
"""

import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import personal_data
from accounts.audit import AuditAction, audit_record
from accounts.models import User
from accounts.services_roles import roles_end

logger = logging.getLogger(__name__)

PURGE_AFTER = timedelta(days=30)

# Never exported: secrets, and columns that only repeat other columns (other apps
# register theirs: personal_data.never_exported()).
EXPORT_EXCLUDED_FIELDS = frozenset(
    {
        "accounts.User.password",
        "authtoken.Token.key",
        "accounts.WebsocketTicket.key_hash",
    }
)


def _excluded() -> frozenset[str]:
    return EXPORT_EXCLUDED_FIELDS | personal_data.never_exported()


def _label(model: type[models.Model] | models.Model) -> str:
    return f"{model._meta.app_label}.{model._meta.object_name}"


def user_links() -> dict[str, list[str]]:
    """Every model that points at a user, with the names of the fields that do."""
    user_model = get_user_model()
    links: dict[str, list[str]] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            forward = field.concrete or field.many_to_many
            if forward and field.is_relation and not field.auto_created and field.related_model is user_model:
                links.setdefault(_label(model), []).append(field.name)
    return links


def _row(obj: models.Model, excluded: frozenset[str]) -> dict[str, Any]:
    label = _label(obj)
    row: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if f"{label}.{field.name}" in excluded:
            continue
        row[field.attname] = field.value_from_object(obj)
    for field in obj._meta.many_to_many:
        if f"{label}.{field.name}" not in excluded:
            row[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return row


def _rows_linked(
    model: type[models.Model], fields: list[str], user: User, excluded: frozenset[str]
) -> Iterator[dict[str, Any]]:
    query = models.Q()
    for name in fields:
        query |= models.Q(**{name: user})
    # Through the base manager: a custom default manager must not hide rows from their owner.
    # By pk subquery rather than DISTINCT: a row linked twice (author and helper) comes once.
    manager = model._base_manager
    for obj in manager.filter(pk__in=manager.filter(query).values("pk")).order_by("pk"):
        yield _row(obj, excluded)


def data_collect(*, user: User) -> dict[str, Any]:
    """All rows linked to the user, by model ("app.Model": [rows]), with the sections
    that apps' exporters add for rows about the person that do not point at them; JSON-ready."""
    excluded = _excluded()
    linked = {
        label: list(_rows_linked(apps.get_model(label), fields, user, excluded))
        for label, fields in sorted(user_links().items())
    }
    for export in personal_data.exporters():
        for label, rows in export(user).items():
            linked.setdefault(label, []).extend(rows)
    data: dict[str, Any] = {"exported_at": timezone.now(), "user": _row(user, excluded), "linked": linked}
    return _jsonable(data)


def _jsonable(value: Any) -> Any:
    encoder = DjangoJSONEncoder()
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return encoder.default(value)


def _removed_text() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("This message was removed.")


def _former_name() -> str:
    # Stored, so in the site's language like _removed_text, not in the language of the request.
    with translation.override(settings.LANGUAGE_CODE):
        return _("Former resident")


def _sessions_revoke(user: User) -> int:
    # Sessions live in the database as signed blobs: decode the live ones to find theirs.
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    return Session.objects.filter(pk__in=doomed).delete()[0]


def _apps_erase(user: User) -> None:
    """What each app keeps about the person beyond the account: its registered erasers."""
    erasure = personal_data.Erasure(user=user, removed=_removed_text(), now=timezone.now())
    for erase in personal_data.erasers():
        erase(erasure)


def _personal_fields_erase(user: User) -> None:
    user.email = None
    user.display_name = _former_name()
    user.phone = ""
    user.street = ""
    user.postcode = ""
    user.known_to = ""
    user.is_active = False
    # A deleted account holds no role (the audit log records each change).
    roles_end(user=user, actor=user)
    user.suspended_until = None  # else the end of a suspension would switch it back on
    user.deleted_at = timezone.now()
    user.set_unusable_password()
    user.save()


def data_export(*, user: User) -> dict[str, Any]:
    """The export, recorded in the audit log."""
    with transaction.atomic():
        audit_record(
            actor=user, action=AuditAction.DATA_EXPORT, subject_id=user.pk, neighbourhood_id=user.neighbourhood_id
        )
        return data_collect(user=user)


def account_delete(*, user: User) -> None:
    """Erase the account now; the rows follow after PURGE_AFTER (accounts_purge)."""
    from rest_framework.authtoken.models import Token

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.deleted_at is not None:
            return
        audit_record(
            actor=user, action=AuditAction.ACCOUNT_DELETE, subject_id=user.pk, neighbourhood_id=user.neighbourhood_id
        )
        _apps_erase(user)
        Token.objects.filter(user=user).delete()
        user.websocket_tickets.all().delete()
        user.worker_assignments.all().delete()
        _personal_fields_erase(user)
        _sessions_revoke(user)


def accounts_purge(*, now: Any = None) -> int:
    """Remove accounts deleted more than PURGE_AFTER ago, with every row that cascades
    from them. Returns how many accounts went."""
    cutoff = (now or timezone.now()) - PURGE_AFTER
    purged = 0
    for user_id in User.objects.filter(deleted_at__lt=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            User.objects.filter(pk=user_id).delete()
        purged += 1
    return purged
