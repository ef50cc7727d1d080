"""Live pushes, measured: from a reply POST to its push arriving, and what publishing costs the POST.

    .venv/bin/python bench/live.py          # about two minutes

Uses its own PostgreSQL database (BENCH_DATABASE_URL, default samsam_bench_live on
127.0.0.1, dropped and rebuilt) and its own redis-server on a free port. HTTP runs on
gunicorn (2 sync workers) and websockets on one uvicorn process, as in production.
Prints, from one run:
  1. POST → push delay (p50/p95/p99) for rooms of 1, 10 and 100 listeners with 1,000 idle
     websockets held open, for each transport: ours (one Redis PUBLISH, one subscriber per
     ASGI process), channels-redis RedisChannelLayer and RedisPubSubChannelLayer; beside a
     bare `websockets` + Redis server (bench/live_bare.py) that hears the very same POSTs.
  2. The reply POST's latency with live publishing on and off, alternating, as a ratio.
Replies go out at 20 a second; listeners are the neighbourhood's workers, who may see
every conversation, so each reply reaches the whole room.
"""

import asyncio
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import uvloop
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/samsam_bench_live")
os.environ.update(DATABASE_URL=URL, DJANGO_SETTINGS_MODULE="samsam.settings", LOG_LEVEL="WARNING")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
for name in ("REDIS_URL", "LIVE_TRANSPORT", "LIVE_CHANNEL_LAYER", "LIVE_REDIS_CHANNEL", "DEBUG"):
    os.environ.pop(name, None)

BIN = ROOT / ".venv" / "bin"
ROOMS = (1, 10, 100)
IDLE = 1_000
RATE = 20  # replies a second
REPLIES = 100  # measured per room, after a warm-up
WARMUP = 10
POST_PAIRS = 300
RESPONDERS = 5
TRANSPORTS = {
    "ours: Redis PUBLISH + 1 subscriber/process": {"LIVE_TRANSPORT": "redis"},
    "channels-redis RedisChannelLayer": {"LIVE_TRANSPORT": "channels", "LIVE_CHANNEL_LAYER": "redis"},
    "channels-redis RedisPubSubChannelLayer": {"LIVE_TRANSPORT": "channels", "LIVE_CHANNEL_LAYER": "redis-pubsub"},
}
BARE = "bare websockets + Redis (floor)"


def _recreate_database() -> None:
    import psycopg

    name = urlsplit(URL).path.lstrip("/")
    with psycopg.connect(URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


_recreate_database()
import django  # noqa: E402

django.setup()
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.services import api_token_for  # noqa: E402
from ads import services  # noqa: E402
from ads.models import Ad, AdEvent, Category  # noqa: E402
from tests import factories  # noqa: E402


@dataclass
class Cast:
    author: User
    responders: list[User]
    tokens: list[str]
    listener_cookies: list[str]  # workers of the neighbourhood
    idle: list[tuple[int, str]]  # (ad id, cookie) per idle connection


def _cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def seed() -> Cast:
    call_command("migrate", verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # nobody logs in by password
    noord = factories.NeighbourhoodFactory(slug="bench-live", name="Bench")
    author = factories.UserFactory(neighbourhood=noord)
    responders = [factories.UserFactory(neighbourhood=noord) for _ in range(RESPONDERS)]
    workers = [factories.WorkerAssignmentFactory(neighbourhood=noord).user for _ in range(max(ROOMS))]
    residents = [factories.UserFactory(neighbourhood=noord) for _ in range(100)]
    other_ads = [new_ad(author) for _ in range(100)]
    resident_cookies = [_cookie(user) for user in residents]
    idle = [(other_ads[n % 100].pk, resident_cookies[n % 100]) for n in range(IDLE)]
    tokens = [api_token_for(user=user) for user in responders]
    return Cast(author, responders, tokens, [_cookie(user) for user in workers], idle)


def new_ad(author: User) -> Ad:
    return services.ad_create(
        author=author,
        kind=Ad.Kind.REQUEST,
        category=Category.objects.first(),
        title="Boodschappen",
        description="Wie helpt mij met de boodschappen?",
    )


# --- processes -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}")


def spawn(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    log = (ROOT / "var" / "bench-live.log").open("ab")
    return subprocess.Popen(
        args, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=log, start_new_session=True
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=15)


@dataclass
class Stack:
    http_port: int
    ws_port: int
    processes: list[subprocess.Popen] = field(default_factory=list)
    bare_port: int | None = None


def start_stack(redis_url: str, channel: str, transport: dict[str, str], with_bare: bool) -> Stack:
    env = {"REDIS_URL": redis_url, "LIVE_REDIS_CHANNEL": channel, "ALLOWED_HOSTS": "127.0.0.1", **transport}
    stack = Stack(http_port=free_port(), ws_port=free_port())
    stack.processes.append(
        spawn([str(BIN / "gunicorn"), "samsam.wsgi:application", "-w", "2", "-b", f"127.0.0.1:{stack.http_port}"], env)
    )
    stack.processes.append(
        spawn(
            [
                str(BIN / "uvicorn"),
                "samsam.asgi:application",
                "--port",
                str(stack.ws_port),
                "--lifespan",
                "off",
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            env,
        )
    )
    if with_bare:
        stack.bare_port = free_port()
        stack.processes.append(
            spawn(
                [
                    str(BIN / "python"),
                    "bench/live_bare.py",
                    "--port",
                    str(stack.bare_port),
                    "--redis",
                    redis_url,
                    "--channel",
                    channel,
                ]
            )
        )
    for port in (stack.http_port, stack.ws_port, stack.bare_port):
        if port:
            wait_port(port)
    return stack


# --- the client --------------------------------------------------------------------------


def post_reply(port: int, ad_id: int, token: str) -> tuple[float, int]:
    """POST one reply: when it was sent (perf_counter), and the reply's id."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = json.dumps({"body": "Ik kan helpen"})
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    sent = time.perf_counter()
    conn.request("POST", f"/api/v1/ads/{ad_id}/replies/", body, headers)
    response = conn.getresponse()
    answer = response.read()
    conn.close()
    if response.status != 201:
        raise RuntimeError(f"reply POST answered {response.status}")
    return sent, json.loads(answer)["id"]


async def open_socket(port: int, path: str, cookie: str | None) -> ClientConnection:
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else None
    return await connect(
        f"ws://127.0.0.1:{port}{path}",
        additional_headers=headers,
        origin=f"http://127.0.0.1:{port}",
        max_queue=None,
        ping_interval=None,
    )


async def open_many(port: int, targets: list[tuple[int, str | None]]) -> list[ClientConnection]:
    gate = asyncio.Semaphore(50)

    async def one(ad_id: int, cookie: str | None) -> ClientConnection:
        async with gate:
            return await open_socket(port, f"/ws/ads/{ad_id}/", cookie)

    return await asyncio.gather(*(one(ad_id, cookie) for ad_id, cookie in targets))


async def arrivals_of(socket: ClientConnection, into: dict[int, float]) -> None:
    async for message in socket:
        at = time.perf_counter()
        cursor = json.loads(message)["cursor"]
        if cursor is not None:
            into[cursor] = at


async def measure_room(stack: Stack, cast: Cast, size: int) -> dict[str, "Delays"]:
    """Delays in ms for each (reply, listener), per server (ours, and the bare one if running)."""
    ad = await asyncio.to_thread(new_ad, cast.author)
    ports = {"ours": stack.ws_port} | ({"bare": stack.bare_port} if stack.bare_port else {})
    sockets, arrivals, readers = {}, {}, []
    for name, port in ports.items():
        sockets[name] = await open_many(port, [(ad.pk, cookie) for cookie in cast.listener_cookies[:size]])
        arrivals[name] = [{} for _ in range(size)]
        readers += [asyncio.create_task(arrivals_of(s, a)) for s, a in zip(sockets[name], arrivals[name], strict=True)]
    sent: dict[int, float] = {}  # reply id → when its POST was sent
    for n in range(WARMUP + REPLIES):
        started = time.perf_counter()
        at, reply_id = await asyncio.to_thread(post_reply, stack.http_port, ad.pk, cast.tokens[n % RESPONDERS])
        if n >= WARMUP:
            sent[reply_id] = at
        await asyncio.sleep(max(0, 1 / RATE - (time.perf_counter() - started)))
    await asyncio.sleep(1)
    for opened in (s for group in sockets.values() for s in group):
        await opened.close()
    await asyncio.gather(*readers, return_exceptions=True)
    cursors = await asyncio.to_thread(_cursors_of, sent)
    return {name: _delays(sent, cursors, per_listener) for name, per_listener in arrivals.items()}


def _cursors_of(sent: dict[int, float]) -> dict[int, int]:
    return dict(AdEvent.objects.filter(reply_id__in=list(sent)).values_list("reply_id", "id"))


def _delays(sent: dict[int, float], cursors: dict[int, int], per_listener: list[dict[int, float]]) -> "Delays":
    delays = Delays()
    for arrivals in per_listener:
        for reply_id, at in sent.items():
            got = arrivals.get(cursors[reply_id])
            if got is None:
                delays.missed += 1  # lost, or folded into a resync
            else:
                delays.ms.append((got - at) * 1000)
    return delays


@dataclass
class Delays:
    ms: list[float] = field(default_factory=list)
    missed: int = 0


# --- runs ----------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def fanout(cast: Cast, redis_url: str) -> dict[tuple[str, int], Delays]:
    results: dict[tuple[str, int], Delays] = {}
    for label, transport in TRANSPORTS.items():
        with_bare = transport["LIVE_TRANSPORT"] == "redis"
        stack = start_stack(redis_url, f"samsam:live:bench:{uuid.uuid4().hex}", transport, with_bare)
        try:
            idle = await open_many(stack.ws_port, cast.idle)
            idle += await open_many(stack.bare_port, cast.idle) if with_bare else []
            for size in ROOMS:
                delays = await measure_room(stack, cast, size)
                results[(label, size)] = delays["ours"]
                if with_bare:
                    results[(BARE, size)] = delays["bare"]
                print(f"  measured {label}, room of {size}", file=sys.stderr)
            for opened in idle:
                await opened.close()
        finally:
            for process in stack.processes:
                stop(process)
    return results


def post_ratio(cast: Cast, redis_url: str) -> tuple[list[float], list[float]]:
    """Reply POST latency (ms) with publishing on and off: two gunicorns, alternating."""
    on = start_stack(redis_url, f"samsam:live:bench:{uuid.uuid4().hex}", {"LIVE_TRANSPORT": "redis"}, False)
    off = start_stack(redis_url, f"samsam:live:bench:{uuid.uuid4().hex}", {"LIVE_TRANSPORT": "local"}, False)
    ads = {"on": new_ad(cast.author), "off": new_ad(cast.author)}
    timings: dict[str, list[float]] = {"on": [], "off": []}
    try:
        for n in range(WARMUP + POST_PAIRS):
            for name, stack in (("on", on), ("off", off)) if n % 2 else (("off", off), ("on", on)):
                sent, _reply = post_reply(stack.http_port, ads[name].pk, cast.tokens[n % RESPONDERS])
                if n >= WARMUP:
                    timings[name].append((time.perf_counter() - sent) * 1000)
    finally:
        for process in on.processes + off.processes:
            stop(process)
    return timings["on"], timings["off"]


def report(results: dict[tuple[str, int], Delays], on: list[float], off: list[float]) -> None:
    print(f"\nReply POST → push arriving, ms ({RATE} replies/s, {REPLIES} replies per room, {IDLE} idle websockets)")
    print(f"{'server':<44} {'room':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'p99/bare':>9} {'missed':>7}")
    for label in (*TRANSPORTS, BARE):
        for size in ROOMS:
            delays, floor = results[(label, size)], results[(BARE, size)]
            ratio = pct(delays.ms, 99) / pct(floor.ms, 99)
            print(
                f"{label:<44} {size:>5} {pct(delays.ms, 50):>7.1f} {pct(delays.ms, 95):>7.1f} "
                f"{pct(delays.ms, 99):>7.1f} {ratio:>8.2f}x {delays.missed:>7}"
            )
    ours = next(iter(TRANSPORTS))
    for size in (1, 10):
        p99, floor = pct(results[(ours, size)].ms, 99), pct(results[(BARE, size)].ms, 99)
        verdict = "ok" if p99 <= 3 * floor and p99 < 25 else "MISSED"
        print(f"aim, room of {size}: p99 {p99:.1f} ms ≤ 3 x {floor:.1f} and < 25 ms: {verdict}")
    ratio_p50 = statistics.median(on) / statistics.median(off)
    ratio_mean = statistics.fmean(on) / statistics.fmean(off)
    print(
        f"\nReply POST latency, ms ({POST_PAIRS} each, alternating): publishing on p50 {statistics.median(on):.2f} "
        f"p99 {pct(on, 99):.2f}; off p50 {statistics.median(off):.2f} p99 {pct(off, 99):.2f}"
    )
    verdict = "ok" if ratio_p50 <= 1.3 else "MISSED"
    print(f"ratio on/off: p50 {ratio_p50:.3f}x, mean {ratio_mean:.3f}x (aim ≤ 1.3x: {verdict})")


def main() -> None:
    (ROOT / "var").mkdir(exist_ok=True)
    port = free_port()
    redis = spawn(
        [shutil.which("redis-server") or "redis-server", "--port", str(port), "--save", "", "--appendonly", "no"]
    )
    try:
        wait_port(port)
        redis_url = f"redis://127.0.0.1:{port}/0"
        cast = seed()
        results = uvloop.run(fanout(cast, redis_url))
        on, off = post_ratio(cast, redis_url)
        report(results, on, off)
    finally:
        stop(redis)


if __name__ == "__main__":
    main()
