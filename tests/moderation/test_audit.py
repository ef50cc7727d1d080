"""The audit log: append-only, and written for decisions, role changes and escalation steps."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services_roles
from accounts.audit import AuditAction, audit_record
from accounts.models import AuditEntry, AuditLogAppendOnly, User
from ads.escalation.services import escalation_claim, escalation_scan
from ads.escalation.services_coverage import coverage_add, coverage_remove
from ads.models import Ad, Escalation
from tests import factories


@pytest.fixture
def entry(cast) -> AuditEntry:
    return audit_record(
        actor=cast.worker,
        action=AuditAction.HIDE,
        neighbourhood_id=cast.noord.pk,
        target_type="ads.ad",
        target_id=cast.ad.pk,
        subject_id=cast.author.pk,
    )


def test_an_entry_says_who_what_where_when(cast, entry):
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.actor, stored.action, stored.neighbourhood, stored.subject) == (
        cast.worker,
        "moderation.hide",
        cast.noord,
        cast.author,
    )
    assert abs(stored.created_at - timezone.now()) < timedelta(minutes=1)


def test_changing_an_entry_raises(entry):
    entry.action = "moderation.restore"
    with pytest.raises(AuditLogAppendOnly):
        entry.save()
    with pytest.raises(AuditLogAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(action="moderation.restore")
    with pytest.raises(AuditLogAppendOnly), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["action"])
    assert AuditEntry.objects.get(pk=entry.pk).action == "moderation.hide"


def test_an_entry_with_an_existing_id_cannot_overwrite_it(entry):
    forged = AuditEntry(pk=entry.pk, action="moderation.restore")
    with pytest.raises(IntegrityError), transaction.atomic():  # the INSERT hits the primary key
        forged.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "moderation.hide"


def test_deleting_an_entry_raises(entry):
    with pytest.raises(AuditLogAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AuditLogAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.postgres
@pytest.mark.parametrize("sql", ["UPDATE accounts_auditentry SET action = 'x'", "DELETE FROM accounts_auditentry"])
def test_postgres_refuses_update_and_delete_past_the_orm(entry, sql):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEntry.objects.get(pk=entry.pk).action == "moderation.hide"


def test_deleting_a_person_leaves_their_entries(cast, entry):
    User.objects.filter(pk=cast.author.pk).delete()
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.subject_id == cast.author.pk  # the id stays; nothing about the person does


def test_role_changes_are_recorded(cast):
    person = factories.UserFactory(neighbourhood=cast.noord)
    assignment = services_roles.worker_assign(user=person, neighbourhood=cast.noord, actor=cast.coordinator)
    services_roles.partner_staff_set(user=person, partner=cast.partner_staff.partner, actor=cast.coordinator)
    role = services_roles.coordinator_grant(user=person, municipality=cast.noord.municipality, actor=cast.coordinator)
    services_roles.worker_unassign(assignment=assignment, actor=cast.coordinator)
    services_roles.coordinator_revoke(role=role, actor=cast.coordinator)
    actions = list(AuditEntry.objects.filter(subject=person).order_by("id").values_list("action", flat=True))
    assert actions == [
        "role.worker_added",
        "role.partner",
        "role.admin",  # the coordinator role gives admin access
        "role.coordinator_added",
        "role.worker_removed",
        "role.admin",
        "role.coordinator_removed",
    ]
    assert set(AuditEntry.objects.filter(subject=person).values_list("actor", flat=True)) == {cast.coordinator.pk}
    partner_entry = AuditEntry.objects.get(subject=person, action="role.partner")
    assert partner_entry.detail == {"field": "partner", "old": None, "new": cast.partner_staff.partner_id}
    assert AuditEntry.objects.get(subject=person, action="role.worker_added").neighbourhood == cast.noord


def test_saving_a_person_without_role_change_records_nothing(cast):
    cast.author.display_name = "Anna B."
    cast.author.save()
    cast.author.save(update_fields=["last_login"])
    assert User.objects.get(pk=cast.author.pk).display_name == "Anna B."
    assert not AuditEntry.objects.filter(subject=cast.author).exists()


def test_role_changes_in_the_admin_name_the_coordinator(cast):
    coordinator = factories.UserFactory(neighbourhood=None, is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:accounts_workerassignment_add"),
        {"user": cast.neighbour.pk, "neighbourhood": cast.noord.pk, "organisation": "Welzijn Utrecht"},
    )
    assert response.status_code == 302, response.content[:500]
    entry = AuditEntry.objects.get(action="role.worker_added", subject=cast.neighbour)
    assert (entry.actor, entry.subject, entry.neighbourhood) == (coordinator, cast.neighbour, cast.noord)


def test_coordinators_read_the_log_in_the_admin_and_cannot_change_it(cast, entry):
    staff = User.objects.filter(pk=cast.coordinator.pk)
    staff.update(is_staff=True)
    client = Client()
    client.force_login(staff.get())
    assert client.get(reverse("admin:accounts_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_auditentry_change", args=[entry.pk])).status_code == 200
    assert client.get(reverse("admin:accounts_auditentry_add")).status_code == 403
    assert (
        client.post(reverse("admin:accounts_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_workers_cannot_read_the_log(cast):
    User.objects.filter(pk=cast.worker.pk).update(is_staff=True)
    client = Client()
    client.force_login(User.objects.get(pk=cast.worker.pk))
    assert client.get(reverse("admin:accounts_auditentry_changelist")).status_code == 403


def test_escalation_steps_are_recorded(cast):
    factories.cover(cast.partner_staff.partner, [cast.noord], [cast.ad.category])
    Ad.objects.filter(pk=cast.ad.pk).update(
        escalation_consent=True, first_response_at=None, created_at=timezone.now() - timedelta(days=3)
    )
    cast.conversation.delete()
    escalation_scan(now=timezone.now())
    escalation = Escalation.objects.get(ad=cast.ad)
    escalation_claim(escalation=escalation, staff=cast.partner_staff)
    entries = AuditEntry.objects.filter(target_type="ads.escalation", target_id=escalation.pk).order_by("id")
    assert [(e.action, e.actor_id) for e in entries] == [
        ("escalation.created", None),
        ("escalation.claimed", cast.partner_staff.pk),
    ]
    assert {e.neighbourhood_id for e in entries} == {cast.noord.pk}


def test_changes_to_a_partners_coverage_are_recorded(cast):
    partner = cast.partner_staff.partner
    groceries, company = factories.category("boodschappen"), factories.category("gezelschap")
    coverage_add(
        partner=partner, neighbourhoods=[cast.noord, cast.zuid], categories=[groceries], actor=cast.coordinator
    )
    coverage_add(partner=partner, neighbourhoods=[cast.noord], categories=[groceries, company], actor=cast.coordinator)
    coverage_remove(partner=partner, pairs=[(cast.noord.pk, groceries.pk), (cast.zuid.pk, company.pk)], actor=None)
    entries = AuditEntry.objects.filter(action="role.partner_area", target_id=partner.pk).order_by("id")
    assert [(e.detail, e.actor_id) for e in entries] == [
        (
            {"change": "add", "pairs": sorted([[cast.noord.pk, groceries.pk], [cast.zuid.pk, groceries.pk]])},
            cast.coordinator.pk,
        ),
        ({"change": "add", "pairs": [[cast.noord.pk, company.pk]]}, cast.coordinator.pk),  # only what is new
        ({"change": "remove", "pairs": [[cast.noord.pk, groceries.pk]]}, None),  # only what was there
    ]
