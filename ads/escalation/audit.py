"""Every step of the escalation ladder also goes into the audit log (accounts.audit).

Called right after the steps are written, in the same transaction, with the same
action names: "escalation.created", "escalation.claimed", ... One query to find where
the escalations are, one to append, however many steps."""

from collections.abc import Iterable
from datetime import datetime

from accounts.audit import ESCALATION_PREFIX, audit_record_many
from accounts.models import AuditEntry, User
from ads.escalation.models import Escalation


def steps_audit(escalation_ids: Iterable[int], *, action: str, actor: User | None, now: datetime) -> None:
    ids = list(escalation_ids)
    if not ids:
        return
    rows = Escalation.objects.filter(pk__in=ids).values_list("pk", "ad_id", "ad__neighbourhood_id", "partner_id")
    actor = actor if actor is not None and actor.is_authenticated else None
    audit_record_many(
        AuditEntry(
            actor=actor,
            action=f"{ESCALATION_PREFIX}{action}"[:40],
            neighbourhood_id=neighbourhood_id,
            target_type="ads.escalation",
            target_id=pk,
            detail={"ad": ad_id, "partner": partner_id},
            created_at=now,
        )
        for pk, ad_id, neighbourhood_id, partner_id in rows
    )
