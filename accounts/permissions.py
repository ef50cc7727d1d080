"""Who belongs where: the one place that decides a user's neighbourhoods.

Every other app asks these helpers; nobody else reads roles off the models.
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from accounts.models import Neighbourhood, User, WorkerAssignment

_CACHE_ATTR = "_samsam_worker_neighbourhood_ids"


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
