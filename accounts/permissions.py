"""Who belongs where: the one place that decides a user's neighbourhoods.

Every other app asks these helpers; nobody else reads roles off the models.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import CoordinatorRole, Municipality, Neighbourhood, Partner, Region, User, WorkerAssignment

_CACHE_ATTR = "_samsam_worker_neighbourhood_ids"
_SCOPE_ATTR = "_samsam_coordinator_scope"


def worker_neighbourhood_ids(user: User) -> frozenset[int]:
    """The neighbourhoods a user works in as a buurtwerker (cached on the user object)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = frozenset(WorkerAssignment.objects.filter(user=user).values_list("neighbourhood_id", flat=True))
        setattr(user, _CACHE_ATTR, cached)
    return cached


# The worker neighbourhood ids of user u, for a query that loads users (see
# remember_worker_neighbourhood_ids): PostgreSQL returns them as one array column.
WORKER_NEIGHBOURHOOD_IDS_SQL = (
    "ARRAY(SELECT w.neighbourhood_id FROM accounts_workerassignment w WHERE w.user_id = u.id)"
)


def remember_worker_neighbourhood_ids(user: User, ids: Iterable[int]) -> None:
    """Cache ids read with the user (WORKER_NEIGHBOURHOOD_IDS_SQL), saving the query that
    worker_neighbourhood_ids would make."""
    setattr(user, _CACHE_ATTR, frozenset(ids))


def member_neighbourhood_ids(user: User) -> frozenset[int]:
    """The neighbourhoods whose board a user may read: home plus those they work in."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    home = {user.neighbourhood_id} if user.neighbourhood_id else set()
    return frozenset(home) | worker_neighbourhood_ids(user)


def is_worker_of(user: User, neighbourhood_id: int) -> bool:
    return neighbourhood_id in worker_neighbourhood_ids(user)


def is_worker(user: User) -> bool:
    return bool(worker_neighbourhood_ids(user))


# Coordinators ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoordinatorScope:
    """What a coordinator runs: whole regions, single municipalities, and every
    municipality and neighbourhood inside them."""

    region_ids: frozenset[int] = frozenset()
    municipality_ids: frozenset[int] = frozenset()
    neighbourhood_ids: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.region_ids or self.municipality_ids)


NO_SCOPE = CoordinatorScope()


def coordinator_scope(user: User) -> CoordinatorScope:
    """The places a user coordinates (cached on the user object); empty for everyone else."""
    if not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, _SCOPE_ATTR, None)
    if cached is None:
        cached = _scope_load(user)
        setattr(user, _SCOPE_ATTR, cached)
    return cached


def _scope_load(user: User) -> CoordinatorScope:
    # A superuser runs the whole installation: every region is theirs.
    if user.is_superuser:
        roles = [(region, None) for region in Region.objects.values_list("pk", flat=True)]
    else:
        roles = list(CoordinatorRole.objects.filter(user=user).values_list("region_id", "municipality_id"))
    if not roles:
        return NO_SCOPE
    region_ids = frozenset(region for region, _municipality in roles if region)
    direct = {municipality for _region, municipality in roles if municipality}
    rows = Neighbourhood.objects.filter(Q(municipality__region_id__in=region_ids) | Q(municipality_id__in=direct))
    municipality_ids = direct | set(Municipality.objects.filter(region_id__in=region_ids).values_list("pk", flat=True))
    return CoordinatorScope(
        region_ids=region_ids,
        municipality_ids=frozenset(municipality_ids),
        neighbourhood_ids=frozenset(rows.values_list("pk", flat=True)),
    )


def is_coordinator(user: User) -> bool:
    return bool(coordinator_scope(user))


def coordinates_neighbourhood(user: User, neighbourhood_id: int) -> bool:
    return neighbourhood_id in coordinator_scope(user).neighbourhood_ids


def regions_in_scope(user: User) -> QuerySet[Region]:
    return Region.objects.filter(pk__in=coordinator_scope(user).region_ids)


def municipalities_in_scope(user: User) -> QuerySet[Municipality]:
    return Municipality.objects.filter(pk__in=coordinator_scope(user).municipality_ids)


def neighbourhoods_in_scope(user: User) -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.filter(pk__in=coordinator_scope(user).neighbourhood_ids)


def partners_in_scope(user: User) -> QuerySet[Partner]:
    """A partner of one municipality belongs to that municipality's coordinators (and the
    region's); one that works across the region belongs to the region's coordinators."""
    scope = coordinator_scope(user)
    return Partner.objects.filter(
        Q(municipality_id__in=scope.municipality_ids) | Q(municipality__isnull=True, region_id__in=scope.region_ids)
    )


def users_in_scope(user: User) -> QuerySet[User]:
    """The people a coordinator manages: residents and workers of their neighbourhoods,
    staff of their partners, coordinators of their places, and accounts not yet placed
    anywhere (a new colleague, before a role is given)."""
    scope = coordinator_scope(user)
    if not scope:
        return User.objects.none()
    placed = (
        Q(neighbourhood_id__in=scope.neighbourhood_ids)
        | Q(worker_assignments__neighbourhood_id__in=scope.neighbourhood_ids)
        | Q(partner__in=partners_in_scope(user))
        | Q(coordinator_roles__municipality_id__in=scope.municipality_ids)
        | Q(coordinator_roles__region_id__in=scope.region_ids)
    )
    unplaced = Q(
        neighbourhood__isnull=True,
        partner__isnull=True,
        worker_assignments__isnull=True,
        coordinator_roles__isnull=True,
        deleted_at__isnull=True,
    )
    ids = User.objects.filter(placed | unplaced).values("pk")
    return User.objects.filter(pk__in=ids)


def require_coordinator(user: User) -> None:
    if not is_coordinator(user):
        raise PermissionDenied(_("Only coordinators can open this page."))


def access_municipality(*, user: User, slug: str) -> Municipality:
    """A municipality the user coordinates; any other (or an unknown slug) answers 404."""
    try:
        return municipalities_in_scope(user).get(slug=slug)
    except Municipality.DoesNotExist:
        raise Http404 from None


def municipalities_visible_to(user: User) -> QuerySet[Municipality]:
    """Where a user lives or works, the places they coordinate, and where their partner
    organisation works."""
    if not user.is_authenticated or not user.is_active:
        return Municipality.objects.none()
    visible = Q(pk__in=coordinator_scope(user).municipality_ids) | Q(neighbourhoods__in=member_neighbourhood_ids(user))
    if user.partner_id:
        partner = user.partner
        visible |= Q(pk=partner.municipality_id) if partner.municipality_id else Q(region_id=partner.region_id)
    return Municipality.objects.filter(pk__in=Municipality.objects.filter(visible).values("pk"))


def is_staff_member(user: User) -> bool:
    """People with a role: they are not moderated through the residents' queue, and their
    replies are not a neighbour's."""
    return bool(user.is_staff or user.is_superuser or user.partner_id or is_worker(user) or is_coordinator(user))


def neighbourhoods_for(user: User) -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.filter(pk__in=member_neighbourhood_ids(user))


def access_neighbourhood(*, user: User, slug: str) -> Neighbourhood:
    """The neighbourhood with this slug if the user belongs there; 404 otherwise,
    the same as for a slug that does not exist."""
    try:
        return neighbourhoods_for(user).get(slug=slug)
    except Neighbourhood.DoesNotExist:
        raise Http404 from None


def home_neighbourhood(user: User) -> Neighbourhood | None:
    """Where a user lands: home, or else the first neighbourhood they work in."""
    if not user.is_authenticated:
        return None
    if user.neighbourhood_id:
        return user.neighbourhood
    return neighbourhoods_for(user).first()


def users_for_neighbourhood(*, user_ids: Iterable[int], neighbourhood_id: int) -> list[User]:
    """Users read fresh, with whether they work in one neighbourhood: one query for any
    number. Long-lived websockets ask again for every event whether their users still
    belong. Their role cache covers only that neighbourhood: ask about it, then drop them."""
    works_here = Exists(WorkerAssignment.objects.filter(user=OuterRef("pk"), neighbourhood_id=neighbourhood_id))
    users = User.objects.filter(pk__in=list(user_ids)).only("id", "is_active", "neighbourhood_id")
    users = list(users.annotate(works_here=works_here))
    for user in users:
        setattr(user, _CACHE_ATTR, frozenset({neighbourhood_id}) if user.works_here else frozenset())
    return users


def active_user_ids(*, user_ids: Iterable[int]) -> set[int]:
    return set(User.objects.filter(pk__in=list(user_ids), is_active=True).values_list("pk", flat=True))
