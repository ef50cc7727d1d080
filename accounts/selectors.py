import functools
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from rest_framework.authtoken.models import Token

from accounts.models import Municipality, Neighbourhood, Postcode, PostcodeMiss, User
from accounts.permissions import WORKER_NEIGHBOURHOOD_IDS_SQL, remember_worker_neighbourhood_ids

POSTCODE_RE = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})?\s*$")


def postcode_parse(value: str) -> tuple[str, str] | None:
    """'1234 ab' -> ('1234', 'AB'); None when it is not a Dutch postcode."""
    match = POSTCODE_RE.match(value or "")
    if not match:
        return None
    return match.group(1), (match.group(2) or "").upper()


def neighbourhood_for_postcode(value: str) -> Neighbourhood | None:
    """The neighbourhood that covers a postcode: an entry with letters wins over the PC4 area."""
    parsed = postcode_parse(value)
    if parsed is None:
        return None
    digits, letters = parsed
    candidates = Postcode.objects.filter(digits=digits, letters__in={letters, ""}).select_related("neighbourhood")
    best = max(candidates, key=lambda postcode: len(postcode.letters), default=None)
    return best.neighbourhood if best else None


def neighbourhood_list(*, ids: Iterable[int] | None = None) -> QuerySet[Neighbourhood]:
    """All neighbourhoods by name, or only those with the given ids."""
    neighbourhoods = Neighbourhood.objects.select_related("municipality").order_by("name", "pk")
    return neighbourhoods if ids is None else neighbourhoods.filter(pk__in=list(ids))


def postcode_map(*, municipality_ids: Iterable[int]) -> QuerySet[Municipality]:
    """Municipalities with their neighbourhoods and each one's postcodes: three queries."""
    postcodes = Prefetch("postcodes", queryset=Postcode.objects.order_by("digits", "letters"))
    neighbourhoods = Prefetch(
        "neighbourhoods", queryset=Neighbourhood.objects.order_by("name", "pk").prefetch_related(postcodes)
    )
    return Municipality.objects.filter(pk__in=list(municipality_ids)).order_by("name").prefetch_related(neighbourhoods)


def postcode_misses(*, since: datetime, prefixes: Iterable[str] | None = None) -> list[dict]:
    """Postcodes of sign-ups that found no neighbourhood since `since`, most tried first;
    only those starting with one of `prefixes` (the first two digits) when given."""
    misses = PostcodeMiss.objects.filter(created_at__gte=since)
    if prefixes is not None:
        prefixes = sorted(set(prefixes))
        if not prefixes:
            return []
        misses = misses.filter(Q(*(Q(digits__startswith=p) for p in prefixes), _connector=Q.OR))
    rows = misses.values("digits", "letters").annotate(tries=Count("pk"), last=Max("created_at"))
    return list(rows.order_by("-tries", "digits", "letters")[:200])


def postcode_prefixes(*, municipality_ids: Iterable[int]) -> set[str]:
    """The postcode regions (first two digits) a set of municipalities lies in."""
    digits = Postcode.objects.filter(neighbourhood__municipality_id__in=list(municipality_ids))
    return {value[:2] for value in digits.values_list("digits", flat=True).distinct()}


@functools.cache
def _user_for_token_sql() -> tuple[str, list[str], list[tuple[int, Any]]]:
    """The statement, the user's field names in its column order, and the fields whose
    values need converting (e.g. a JSONField), by position: worked out once."""
    fields = User._meta.concrete_fields
    columns = ", ".join(f'u."{field.column}"' for field in fields)
    # A subquery rather than a join: PostgreSQL plans it in a third of the time.
    sql = (
        f"SELECT {columns}, {WORKER_NEIGHBOURHOOD_IDS_SQL} FROM accounts_user u "  # noqa: S608 (names only)
        "WHERE u.id = (SELECT user_id FROM authtoken_token WHERE key = %s)"
    )
    converted = [(i, field) for i, field in enumerate(fields) if hasattr(field, "from_db_value")]
    return sql, [field.attname for field in fields], converted


def user_for_api_token(key: str) -> tuple[User, Token] | None:
    """The user of an API token, and the token; None for an unknown key.

    Every API request asks this, and then its permissions ask for the user's worker
    neighbourhoods: on PostgreSQL one hand-written query reads all three (the ORM's
    select_related plus a subquery costs more to build than to run)."""
    if connection.vendor != "postgresql":
        token = Token.objects.select_related("user").filter(key=key).first()
        return (token.user, token) if token else None
    sql, names, converted = _user_for_token_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    values, worker_ids = list(row[:-1]), row[-1]
    for i, field in converted:  # what the ORM would convert
        values[i] = field.from_db_value(values[i], None, connection)
    user = User.from_db(connection.alias, names, values)
    remember_worker_neighbourhood_ids(user, worker_ids)
    # The token as loaded with only("key", "user"): nothing reads when it was created.
    token = Token.from_db(connection.alias, ["key", "user_id"], [key, user.pk])
    token.user = user
    return user, token
