"""Role changes: neighbourhood worker, partner staff, coordinator, admin access.

Every role change goes through one of these services, which records it in the audit
log in the same transaction; the admin calls them too. A coordinator's admin
permissions come from the "Coordinators" group (created by a data migration), which
these services add and remove with the role.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.audit import AuditAction, audit_record
from accounts.models import CoordinatorRole, Municipality, Neighbourhood, Partner, Region, User, WorkerAssignment

COORDINATORS_GROUP = "Coordinators"


def _audit_user(*, actor: User | None, action: str, user: User, neighbourhood_id=None, detail=None) -> None:
    audit_record(
        actor=actor,
        action=action,
        neighbourhood_id=neighbourhood_id,
        target_type="accounts.user",
        target_id=user.pk,
        subject_id=user.pk,
        detail=detail,
    )


def worker_assign(
    *, user: User, neighbourhood: Neighbourhood, organisation: str = "", actor: User | None
) -> WorkerAssignment:
    """Make someone a worker of one more neighbourhood; assigning twice changes nothing."""
    with transaction.atomic():
        assignment, created = WorkerAssignment.objects.get_or_create(
            user=user, neighbourhood=neighbourhood, defaults={"organisation": organisation.strip()}
        )
        if created:
            audit_record(
                actor=actor,
                action=AuditAction.WORKER_ADDED,
                neighbourhood_id=neighbourhood.pk,
                target_type="accounts.workerassignment",
                target_id=assignment.pk,
                subject_id=user.pk,
            )
    return assignment


def worker_organisation_set(*, assignment: WorkerAssignment, organisation: str) -> WorkerAssignment:
    """The organisation is a label, not a role: no audit entry."""
    assignment.organisation = organisation.strip()
    assignment.save(update_fields=["organisation"])
    return assignment


def worker_unassign(*, assignment: WorkerAssignment, actor: User | None) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.WORKER_REMOVED,
            neighbourhood_id=assignment.neighbourhood_id,
            target_type="accounts.workerassignment",
            target_id=assignment.pk,
            subject_id=assignment.user_id,
        )
        assignment.delete()


def partner_staff_set(*, user: User, partner: Partner | None, actor: User | None) -> User:
    """Make someone staff of a partner organisation, move them, or end it (None)."""
    old = user.partner_id
    new = partner.pk if partner else None
    if old == new:
        return user
    with transaction.atomic():
        user.partner = partner
        user.save(update_fields=["partner"])
        _audit_user(
            actor=actor,
            action=AuditAction.PARTNER_CHANGED,
            user=user,
            detail={"field": "partner", "old": old, "new": new},
        )
    return user


def coordinator_grant(
    *, user: User, municipality: Municipality | None = None, region: Region | None = None, actor: User | None
) -> CoordinatorRole:
    """The coordinator role for one municipality or for a whole region. The person gets
    the admin (with the Coordinators group's permissions) to manage their scope."""
    if (municipality is None) == (region is None):
        raise ValidationError(_("Choose a municipality or a region, not both."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                role = CoordinatorRole.objects.create(user=user, municipality=municipality, region=region)
        except IntegrityError:
            return CoordinatorRole.objects.get(user=user, municipality=municipality, region=region)
        _group_membership(user, member=True, actor=actor)
        _audit_user(
            actor=actor,
            action=AuditAction.COORDINATOR_ADDED,
            user=user,
            detail={
                "municipality": municipality.pk if municipality else None,
                "region": region.pk if region else None,
            },
        )
    return role


def coordinator_revoke(*, role: CoordinatorRole, actor: User | None) -> None:
    user = role.user
    with transaction.atomic():
        detail = {"municipality": role.municipality_id, "region": role.region_id}
        role.delete()
        if not CoordinatorRole.objects.filter(user=user).exists():
            _group_membership(user, member=False, actor=actor)
        _audit_user(actor=actor, action=AuditAction.COORDINATOR_REMOVED, user=user, detail=detail)


def _group_membership(user: User, *, member: bool, actor: User | None) -> None:
    group, _created = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    if member:
        user.groups.add(group)
        if not user.is_staff:
            admin_access_set(user=user, is_staff=True, actor=actor)
    else:
        user.groups.remove(group)
        if user.is_staff and not user.is_superuser:
            admin_access_set(user=user, is_staff=False, actor=actor)


def admin_access_set(*, user: User, is_staff: bool, actor: User | None, is_superuser: bool | None = None) -> User:
    """Admin access (is_staff) and, for superusers only, superuser rights."""
    changes = {"is_staff": is_staff}
    if is_superuser is not None:
        changes["is_superuser"] = is_superuser
    changed = {field: value for field, value in changes.items() if getattr(user, field) != value}
    if not changed:
        return user
    with transaction.atomic():
        for field, value in changed.items():
            old = getattr(user, field)
            setattr(user, field, value)
            _audit_user(
                actor=actor,
                action=AuditAction.STAFF_CHANGED,
                user=user,
                detail={"field": field, "old": old, "new": value},
            )
        user.save(update_fields=list(changed))
    return user


def roles_end(*, user: User, actor: User | None) -> None:
    """Every role ends (a deleted account holds none), each change audited."""
    with transaction.atomic():
        for role in CoordinatorRole.objects.filter(user=user).select_related("user"):
            coordinator_revoke(role=role, actor=actor)
        for assignment in WorkerAssignment.objects.filter(user=user):
            worker_unassign(assignment=assignment, actor=actor)
        partner_staff_set(user=user, partner=None, actor=actor)
        admin_access_set(user=user, is_staff=False, is_superuser=False, actor=actor)
