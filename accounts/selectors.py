import functools
import re
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from rest_framework.authtoken.models import Token

from accounts.models import Neighbourhood, Postcode, User
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
    neighbourhoods = Neighbourhood.objects.order_by("name", "pk")
    return neighbourhoods if ids is None else neighbourhoods.filter(pk__in=list(ids))


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
