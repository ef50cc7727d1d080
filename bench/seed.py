"""Bulk seeder for benchmarks: N ads on PostgreSQL in a few SQL statements.

    .venv/bin/python -m bench.seed --ads 1000000 [--neighbourhoods 20]

Uses BENCH_DATABASE_URL (default samsam_bench on 127.0.0.1), created and migrated when
missing. Adds `--ads` ads to what is there, spread over bench neighbourhoods ("bench-1" …)
and their residents, created over the last year, with Dutch titles and descriptions drawn
from small word lists so that full-text search finds something. Each batch is one
INSERT … SELECT generate_series that computes search_vector itself, with triggers off
(session_replication_role = replica skips the per-row search trigger and the deferred
foreign-key checks; every id comes from rows just read, so the keys hold by construction).
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from django.db import connection, transaction

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/samsam_bench"
BATCH = 100_000
RESIDENTS_PER_NEIGHBOURHOOD = 50
BENCH_USER_EMAIL = "bench@bench.local"

# (category slug, what the ad is about): the title is a prefix plus this phrase.
SUBJECTS = [
    ("boodschappen", "de boodschappen"),
    ("boodschappen", "medicijnen ophalen bij de apotheek"),
    ("boodschappen", "boodschappen van de weekmarkt"),
    ("vervoer", "vervoer naar het ziekenhuis"),
    ("vervoer", "een ritje naar de huisarts"),
    ("vervoer", "een lift naar het station"),
    ("klusjes", "een lamp ophangen"),
    ("klusjes", "een kast in elkaar zetten"),
    ("klusjes", "de verwarming ontluchten"),
    ("klusjes", "een lekkende kraan"),
    ("klusjes", "de fiets repareren"),
    ("klusjes", "schilderwerk in de schuur"),
    ("tuin", "het gras maaien"),
    ("tuin", "de heg snoeien"),
    ("tuin", "onkruid wieden in de voortuin"),
    ("tuin", "bladeren harken"),
    ("gezelschap", "een kopje koffie samen"),
    ("gezelschap", "een wandeling in het park"),
    ("gezelschap", "samen een spelletje kaarten"),
    ("gezelschap", "voorlezen uit de krant"),
    ("digitale-hulp", "de computer instellen"),
    ("digitale-hulp", "een nieuwe telefoon"),
    ("digitale-hulp", "videobellen met de kleinkinderen"),
    ("digitale-hulp", "internetbankieren"),
    ("administratie", "formulieren invullen"),
    ("administratie", "een brief van de gemeente"),
    ("administratie", "de belastingaangifte"),
    ("huisdieren", "de hond uitlaten"),
    ("huisdieren", "de kat voeren tijdens de vakantie"),
    ("huisdieren", "oppassen op de konijnen"),
    ("overig", "verhuisdozen sjouwen"),
    ("overig", "bijles wiskunde"),
    ("overig", "gordijnen naaien"),
]
REQUEST_PREFIXES = ["Hulp gezocht bij", "Wie helpt mij met", "Even hulp nodig met", "Wie kan helpen met"]
OFFER_PREFIXES = ["Ik help graag met", "Aangeboden: hulp bij", "Tijd over voor", "Ik bied hulp bij"]
OPENERS = [
    "Ik woon sinds kort in de buurt en ken nog niet veel mensen.",
    "Door mijn knie kan ik deze week niet zelf de deur uit.",
    "Mijn dochter woont ver weg en kan nu niet komen.",
    "Ik ben 82 jaar en doe veel nog zelf, maar dit lukt niet meer.",
    "Ik heb deze week wat tijd over en help graag een buurtgenoot.",
    "Sinds mijn operatie gaat alles wat langzamer.",
    "Wij zijn net verhuisd naar deze straat.",
]
DETAILS = [
    "Het gaat om ongeveer een uur.",
    "Het liefst op dinsdag- of donderdagmiddag.",
    "Gereedschap is aanwezig.",
    "Een kopje koffie staat klaar!",
    "Het is op de tweede verdieping, er is een lift.",
    "In het weekend kan ook.",
    "Het hoeft niet vandaag, deze week is prima.",
]
CLOSERS = ["Alvast bedankt!", "Stuur gerust een bericht.", "Groeten van de buren.", "Wie weet tot snel!"]
TEXTS = {
    "subjects": [phrase for _slug, phrase in SUBJECTS],
    "subject_categories": [slug for slug, _phrase in SUBJECTS],
    "request_prefixes": REQUEST_PREFIXES,
    "offer_prefixes": OFFER_PREFIXES,
    "openers": OPENERS,
    "details": DETAILS,
    "closers": CLOSERS,
}

# Pseudo-random but repeatable choices: row number n times a prime, modulo a list. The
# authors and subjects are arrays indexed per row, not joined: the planner cannot
# estimate a join on n modulo a count and picked nested loops over every pair.
INSERT_ADS = """
WITH people AS (
    SELECT array_agg(u.id ORDER BY u.neighbourhood_id, u.id) AS ids,
        array_agg(u.neighbourhood_id ORDER BY u.neighbourhood_id, u.id) AS homes
    FROM accounts_user u JOIN accounts_neighbourhood nb ON nb.id = u.neighbourhood_id
    WHERE u.email LIKE 'bench-%%@bench.local' AND nb.slug = ANY(%(slugs)s)
),
subjects AS (
    SELECT array_agg(c.id ORDER BY s.i) AS categories
    FROM unnest(%(subject_categories)s::text[]) WITH ORDINALITY AS s(slug, i)
    JOIN ads_category c ON c.slug = s.slug
),
picks AS (
    SELECT n, p.ids, p.homes, s.categories,
        1 + (n + %(offset)s) %% cardinality(p.ids) AS who,
        1 + n * 7 %% cardinality(s.categories) AS what,
        CASE WHEN n * 13 %% 100 < 65 THEN 'request' ELSE 'offer' END AS kind,
        CASE WHEN n * 31 %% 100 < 80 THEN 'open' WHEN n * 31 %% 100 < 90 THEN 'matched'
             WHEN n * 31 %% 100 < 97 THEN 'done' WHEN n * 31 %% 100 < 99 THEN 'withdrawn'
             ELSE 'expired' END AS status,
        %(now)s - interval '365 days' * (1 - n::float / %(count)s) - (n * 7919 %% 3600) * interval '1 second'
            AS created_at
    FROM generate_series(1, %(count)s::bigint) AS n CROSS JOIN people p CROSS JOIN subjects s
),
rows AS (
    SELECT n, kind, status, created_at, ids[who] AS author_id, homes[who] AS neighbourhood_id,
        -- The next resident in the list: nearly always a neighbour of the author.
        ids[1 + who %% cardinality(ids)] AS other_id,
        categories[what] AS category_id, (%(subjects)s::text[])[what] AS phrase
    FROM picks
),
texts AS (
    SELECT r.*,
        CASE WHEN r.kind = 'request'
             THEN (%(request_prefixes)s::text[])[1 + n * 3 %% cardinality(%(request_prefixes)s::text[])]
             ELSE (%(offer_prefixes)s::text[])[1 + n * 3 %% cardinality(%(offer_prefixes)s::text[])]
        END || ' ' || r.phrase AS title,
        (%(openers)s::text[])[1 + n * 11 %% cardinality(%(openers)s::text[])]
            || ' Het gaat om ' || r.phrase || '. '
            || (%(details)s::text[])[1 + n * 17 %% cardinality(%(details)s::text[])] || ' '
            || (%(closers)s::text[])[1 + n * 19 %% cardinality(%(closers)s::text[])] AS description
    FROM rows r
)
INSERT INTO ads_ad (
    kind, category_id, title, description, neighbourhood_id, author_id, urgency, status, moderation,
    helper_id, thanks, escalation_consent, first_response_at, created_at, updated_at, expires_at, closed_at,
    search_vector{more_columns}
)
SELECT kind, category_id, title, description, neighbourhood_id, author_id,
    CASE WHEN n %% 10 = 0 THEN 'today' ELSE 'normal' END,
    status,
    CASE WHEN n * 17 %% 100 < 97 THEN 'visible' WHEN n * 17 %% 100 < 99 THEN 'pending' ELSE 'hidden' END,
    CASE WHEN status IN ('matched', 'done') THEN other_id END,
    CASE WHEN status = 'done' THEN 'Heel erg bedankt voor de hulp!' ELSE '' END,
    kind = 'request' AND n %% 3 = 0,
    CASE WHEN status IN ('matched', 'done') THEN created_at + interval '2 hours' END,
    created_at, created_at, created_at + interval '30 days',
    CASE WHEN status IN ('done', 'withdrawn', 'expired') THEN created_at + interval '3 days' END,
    -- What the trigger of ads migration 0002 computes.
    setweight(to_tsvector('dutch', title), 'A') || setweight(to_tsvector('dutch', description), 'B'){more_values}
FROM texts
"""
SEEDED_COLUMNS = re.search(r"INSERT INTO ads_ad \((.*?)\)", INSERT_ADS, re.DOTALL).group(1)


def configure() -> str:
    """Point Django at the bench database and settings (call before django.setup())."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        raise SystemExit("The benchmarks need PostgreSQL: set BENCH_DATABASE_URL to a postgres:// URL.")
    sys.path.insert(0, str(ROOT))
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bench.settings", DEBUG="false", LOG_LEVEL="WARNING")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    return url


def prepare_database(url: str) -> None:
    """Create the database when it is missing, then set up Django and migrate."""
    import django
    import psycopg
    from django.core.management import call_command

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    django.setup()
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):  # a full migrate costs seconds even when idle
        call_command("migrate", verbosity=0)


def _execute(statement: str, params: list | dict | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def ensure_people(*, neighbourhoods: int, residents: int = RESIDENTS_PER_NEIGHBOURHOOD) -> list[str]:
    """Bench neighbourhoods and their residents (idempotent); returns the neighbourhood slugs.
    Through the ORM (a thousand rows at most), so that fields added later get their defaults."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Municipality, Neighbourhood, Region, User

    slugs = [f"bench-{i}" for i in range(1, neighbourhoods + 1)]
    region, _created = Region.objects.get_or_create(slug="bench", defaults={"name": "Benchregio"})
    municipality, _created = Municipality.objects.get_or_create(
        slug="bench", defaults={"name": "Benchgemeente", "region": region}
    )
    Neighbourhood.objects.bulk_create(
        [Neighbourhood(name=f"Benchbuurt {slug[6:]}", slug=slug, municipality=municipality) for slug in slugs],
        ignore_conflicts=True,
    )
    homes = Neighbourhood.objects.filter(slug__in=slugs)
    User.objects.bulk_create(
        [
            User(
                email=f"{home.slug}-{i}@bench.local",
                display_name=f"Buur {i} ({home.name})",
                neighbourhood=home,
                password=make_password(None),  # unusable: nobody logs in as them
            )
            for home in homes
            for i in range(1, residents + 1)
        ],
        ignore_conflicts=True,
    )
    return slugs


def ensure_bench_user() -> int:
    """The resident of bench-1 whose token the benchmark uses."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import Neighbourhood, User

    user, _created = User.objects.get_or_create(
        email=BENCH_USER_EMAIL,
        defaults={
            "display_name": "Bench",
            "neighbourhood": Neighbourhood.objects.get(slug="bench-1"),
            "password": make_password(None),
            "email_confirmed_at": timezone.now(),
        },
    )
    return user.pk


def _other_columns() -> tuple[str, str, dict]:
    """Every required column of ads_ad that INSERT_ADS does not name, with its model
    default, so that a field added later does not break the seeder."""
    from ads.models import Ad

    seeded = {name.strip() for name in SEEDED_COLUMNS.split(",")}
    columns, values, params = "", "", {}
    for field in Ad._meta.concrete_fields:
        if field.column in seeded or field.primary_key or field.null:
            continue
        columns += f', "{field.column}"'
        values += f", %(default_{field.column})s"
        params[f"default_{field.column}"] = field.get_db_prep_save(field.get_default(), connection)
    return columns, values, params


def insert_ads(*, count: int, slugs: list[str], offset: int = 0) -> int:
    """One INSERT … SELECT of `count` ads; `offset` varies the authors between batches."""
    more_columns, more_values, defaults = _other_columns()
    statement = INSERT_ADS.format(more_columns=more_columns, more_values=more_values)
    params = {**TEXTS, **defaults, "count": count, "offset": offset, "slugs": slugs, "now": _now()}
    with transaction.atomic():
        # Local to this transaction, and put back at once for when it is a savepoint in a
        # longer one (a test): the search trigger and FK checks are on again after it.
        _execute("SET LOCAL session_replication_role = replica")
        inserted = _execute(statement, params)
        _execute("SET LOCAL session_replication_role = DEFAULT")
    return inserted


def _now():
    from django.utils import timezone

    return timezone.now()


def _check_categories() -> None:
    # The subjects are matched to categories by position: every slug must exist.
    wanted = sorted({slug for slug, _phrase in SUBJECTS})
    with connection.cursor() as cursor:
        cursor.execute("SELECT slug FROM ads_category WHERE slug = ANY(%s) ORDER BY slug", [wanted])
        found = [row[0] for row in cursor.fetchall()]
    if found != wanted:
        raise RuntimeError(f"categories missing (ads migration 0003): {sorted(set(wanted) - set(found))}")


def seed(*, ads: int, neighbourhoods: int = 20, progress: bool = False) -> int:
    """Add `ads` ads in batches; returns how many were inserted."""
    slugs = ensure_people(neighbourhoods=neighbourhoods)
    ensure_bench_user()
    _check_categories()
    done = 0
    started = time.perf_counter()
    while done < ads:
        done += insert_ads(count=min(BATCH, ads - done), slugs=slugs, offset=done)
        if progress:
            rate = done / (time.perf_counter() - started)
            print(f"  {done:>10,} ads  {rate:>8,.0f} rows/s", flush=True)
    _execute("ANALYZE ads_ad")
    return done


def ad_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ads_ad")
        return cursor.fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ads", type=int, required=True, help="how many ads to add")
    parser.add_argument("--neighbourhoods", type=int, default=20, help="bench neighbourhoods to spread them over")
    args = parser.parse_args()
    if args.ads < 1 or args.neighbourhoods < 1:
        parser.error("--ads and --neighbourhoods must be at least 1")
    prepare_database(configure())
    started = time.perf_counter()
    inserted = seed(ads=args.ads, neighbourhoods=args.neighbourhoods, progress=True)
    seconds = time.perf_counter() - started
    rate = inserted / seconds
    print(f"{inserted:,} ads in {seconds:.1f} s ({rate:,.0f} rows/s, ANALYZE included); {ad_count():,} ads now")


if __name__ == "__main__":
    main()
