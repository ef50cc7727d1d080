"""Throughput of the ads list API against its baselines, measured in one run.

    .venv/bin/python -m bench.ads_list [--ads 1000000] [--rounds 5] [--duration 4]

On PostgreSQL (BENCH_DATABASE_URL, default samsam_bench; created, migrated and seeded by
bench.seed up to --ads ads when it holds fewer) and the production HTTP server (gunicorn,
2 sync workers as WEB_CONCURRENCY in .env.example, DEBUG off, behind a TLS proxy as far as
Django can tell) on 127.0.0.1, wrk (or, without it, a Python client) loads in turn, round
after round so that drift hits all alike:
  trivial  HttpResponse("ok")                                  (bench.urls only)
  raw      the list's 20 rows by hand: one SQL query, JsonResponse (bench.urls only)
  list     GET /api/v1/ads/?neighbourhood=bench-1 with an API token, as a client sends it
  deep     the same list 1,500 ads deep (--depth; its cursor walked to first)
  search   the same list with q=<word>
and prints req/s per round, the median and best round of each, and the ratios with their
aims (list/trivial and list/raw in throughput, deep/first and search/list in time per
request), computed from the best rounds: other work on the machine only ever lowers a rate.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

from bench import seed

NEIGHBOURHOOD = "bench-1"
# What the TLS proxy in front of production adds (else SECURE_SSL_REDIRECT answers 301).
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
# (label, top, bottom, aim): a throughput ratio (req/s of top / bottom) must reach its aim;
# a time ratio (time per request of top / bottom) must stay under it.
THROUGHPUT_AIMS = [("list / trivial", "list", "trivial", 0.30), ("list / raw", "list", "raw", 0.75)]
TIME_AIMS = [("deep / first", "deep", "list", 1.5), ("search / list", "search", "list", 5.0)]


@dataclass
class Endpoint:
    name: str
    path: str
    rates: list[float] = field(default_factory=list)
    p50s: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)  # µs of server + database CPU per request

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    @property
    def rate(self) -> float:
        # The best round: load from elsewhere on the machine only ever lowers a rate.
        return max(self.rates)

    @property
    def median(self) -> float:
        return statistics.median(self.rates)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CpuMeter:
    """CPU time of the server side: gunicorn's workers and the PostgreSQL backends that
    serve them. Unlike req/s, CPU per request hardly moves when other work shares the
    machine, so it gives the ratios a second, steadier reading."""

    def __init__(self, server_pid: int, url: str) -> None:
        import psycopg

        self.server_pid = server_pid
        self.db = psycopg.connect(url, autocommit=True)
        self.tick = os.sysconf("SC_CLK_TCK")

    def _pids(self) -> list[int]:
        backends = self.db.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
        return [*_children(self.server_pid), *(pid for (pid,) in backends)]

    def read(self) -> dict[int, float]:
        return {pid: _cpu_seconds(pid, self.tick) for pid in self._pids()}

    def used(self, before: dict[int, float]) -> float:
        return sum(seconds - before.get(pid, 0.0) for pid, seconds in self.read().items())


def _cpu_seconds(pid: int, tick: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:  # gone meanwhile
        return 0.0
    return (int(fields[11]) + int(fields[12])) / tick  # utime + stime


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                continue
    return found


@contextmanager
def gunicorn(port: int, workers: int) -> Iterator[int]:
    command = [
        *(sys.executable, "-m", "gunicorn", "samsam.wsgi:application"),
        *("--workers", str(workers), "--worker-class", "sync", "--bind", f"127.0.0.1:{port}"),
        *("--chdir", str(seed.ROOT), "--log-level", "warning"),
    ]
    # Connections are kept for the whole run (production: 60 s), so that CpuMeter sees
    # every backend that worked; reconnecting once a minute costs nothing measurable.
    server = subprocess.Popen(command, env={**os.environ, "DATABASE_CONN_MAX_AGE": "3600"})
    try:
        _wait_until_up(port, server)
        yield server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            get(port, "/bench/trivial/", PROXY_HEADERS)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 30 s")


def get(port: int, path: str, headers: dict[str, str]) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}: {body[:300]!r}")
    return body


def _ids(body: bytes) -> list[int]:
    return [row["id"] for row in json.loads(body)["results"]]


def deep_cursor(port: int, headers: dict[str, str], depth: int) -> str:
    """The cursor after `depth` ads, walked page by page as a client would (100 a page)."""
    cursor, seen = "", 0
    while seen < depth:
        params = {"neighbourhood": NEIGHBOURHOOD, "page_size": min(100, depth - seen)}
        body = json.loads(get(port, "/api/v1/ads/?" + urlencode({**params, "cursor": cursor}), headers))
        seen += len(body["results"])
        if not body["next"]:
            raise SystemExit(f"{NEIGHBOURHOOD} has fewer than {depth + 20} visible ads: seed more (--ads)")
        cursor = parse_qs(urlsplit(body["next"]).query)["cursor"][0]  # `next` is a link; we go on from its cursor
    return cursor


def endpoints(port: int, headers: dict[str, str], word: str, depth: int) -> list[Endpoint]:
    """The five endpoints, each checked once: 200, and the list gives the raw page's rows."""
    list_path = "/api/v1/ads/?" + urlencode({"neighbourhood": NEIGHBOURHOOD})
    found = [
        Endpoint("trivial", "/bench/trivial/"),
        Endpoint("raw", "/bench/raw/?" + urlencode({"neighbourhood": NEIGHBOURHOOD})),
        Endpoint("list", list_path),
        Endpoint("deep", list_path + "&" + urlencode({"cursor": deep_cursor(port, headers, depth)})),
        Endpoint("search", list_path + "&" + urlencode({"q": word})),
    ]
    bodies = {point.name: get(port, point.path, headers) for point in found}
    if _ids(bodies["raw"]) != _ids(bodies["list"]) or len(_ids(bodies["list"])) != 20:
        raise SystemExit("the raw endpoint and the list API disagree on the first page")
    if len(_ids(bodies["deep"])) != 20 or len(_ids(bodies["search"])) != 20:
        raise SystemExit(f"the deep page or the search for {word!r} is not a full page")
    return found


def wrk(port: int, point: Endpoint, headers: dict[str, str], *, seconds: int, connections: int) -> int:
    """Load one endpoint; returns how many requests were answered."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{point.path}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise SystemExit(f"wrk saw errors on {point.name}:\n{output}")
    point.rates.append(float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)))
    point.p50s.append(_ms(re.search(r"50%\s+([\d.]+)(us|ms|s)", output).groups()))
    return int(re.search(r"(\d+) requests in", output).group(1))


def pyload(port: int, point: Endpoint, headers: dict[str, str], *, seconds: int, connections: int) -> int:
    """The fallback when wrk is missing: `connections` threads, each one request at a time.
    It takes more of the CPUs than wrk does, from the server too: good for a smoke check
    and a rough figure, not for the record."""
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    failures: list[str] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            conn.request("GET", point.path, headers=headers)
            response = conn.getresponse()
            response.read()
            latencies.append(time.perf_counter() - started)
            if response.status != 200:
                failures.append(f"{response.status}")
            if response.will_close:  # gunicorn's sync workers close after each response
                conn.close()
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{point.name} answered {failures[0]} ({len(failures)} times)")
    point.rates.append(len(latencies) / (time.monotonic() - started))
    point.p50s.append(statistics.median(latencies) * 1000)
    return len(latencies)


def _ms(match: tuple[str, str]) -> float:
    value, unit = match
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def measure(
    port: int, points: list[Endpoint], headers: dict[str, str], meter: CpuMeter, args: argparse.Namespace
) -> None:
    load = wrk if args.load == "wrk" else pyload
    for point in points if args.warmup else []:  # warm the workers' connections and PostgreSQL's caches
        load(port, point, headers, seconds=args.warmup, connections=args.connections)
        point.rates.clear()
        point.p50s.clear()
    for number in range(1, args.rounds + 1):
        for point in points:
            before = meter.read()
            answered = load(port, point, headers, seconds=args.duration, connections=args.connections)
            point.cpus.append(meter.used(before) / max(answered, 1) * 1e6)
        print(f"  round {number}/{args.rounds}: " + "  ".join(f"{p.name} {p.rates[-1]:,.0f}" for p in points))


def report(points: list[Endpoint], args: argparse.Namespace, ads: int, load: float) -> None:
    by_name = {point.name: point for point in points}
    trivial = by_name["trivial"].rate
    print(
        f"\n{ads:,} ads; gunicorn {args.workers} sync workers; {args.load} {args.connections} connections; "
        f"{args.rounds} rounds x {args.duration} s, interleaved; deep = {args.depth:,} ads in; q={args.q!r}; "
        f"{os.cpu_count()} CPUs, load average before {load:.2f}\n"
    )
    rounds = "".join(f"{'round ' + str(i + 1):>10}" for i in range(args.rounds))
    print(f"{'req/s':<10}{rounds}{'median':>10}{'best':>10}  {'p50 ms':>7}  best x trivial  CPU µs/request")
    for point in points:
        cells = "".join(f"{rate:>10,.0f}" for rate in point.rates)
        p50, share = statistics.median(point.p50s), point.rate / trivial
        print(
            f"{point.name:<10}{cells}{point.median:>10,.0f}{point.rate:>10,.0f}  {p50:>7.2f}  {share:>14.2f}"
            f"  {point.cpu:>14,.0f}"
        )
    print("\nratios of the best rounds (of the medians) [of server + database CPU per request, median]")
    for label, top, bottom, aim in THROUGHPUT_AIMS:
        ratio = by_name[top].rate / by_name[bottom].rate
        of_medians = by_name[top].median / by_name[bottom].median
        by_cpu = by_name[bottom].cpu / by_name[top].cpu
        verdict = "met" if ratio >= aim else "MISSED"
        print(f"  {label:<15} {ratio:5.2f} ({of_medians:4.2f}) [{by_cpu:4.2f}]  throughput, aim >= {aim:<5} {verdict}")
    for label, top, bottom, aim in TIME_AIMS:
        ratio = by_name[bottom].rate / by_name[top].rate
        of_medians = by_name[bottom].median / by_name[top].median
        by_cpu = by_name[top].cpu / by_name[bottom].cpu
        verdict = "met" if ratio <= aim else "MISSED"
        print(
            f"  {label:<15} {ratio:5.2f} ({of_medians:4.2f}) [{by_cpu:4.2f}]  time per request, aim <= {aim:<5} "
            f"{verdict}"
        )


def prepare(args: argparse.Namespace) -> tuple[str, int]:
    """Seed up to --ads when needed; the bench user's token and the number of ads."""
    seed.prepare_database(seed.configure())
    from django.db import connections

    from accounts.models import User
    from accounts.services import api_token_for

    have = seed.ad_count()
    if have < args.ads:
        print(f"seeding {args.ads - have:,} ads ({have:,} there) …", flush=True)
        seed.seed(ads=args.ads - have, neighbourhoods=args.neighbourhoods, progress=True)
    seed.ensure_people(neighbourhoods=1)
    seed.ensure_bench_user()
    token = api_token_for(user=User.objects.get(email=seed.BENCH_USER_EMAIL))
    ads = seed.ad_count()
    connections.close_all()  # hold no connection while the server is loaded
    return token, ads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ads", type=int, default=1_000_000, help="seed up to this many ads (default 1,000,000)")
    parser.add_argument("--neighbourhoods", type=int, default=20, help="when seeding (default 20)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=4, help="seconds per endpoint per round (default 4)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds per endpoint before the rounds (default 2)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, as WEB_CONCURRENCY)")
    parser.add_argument("--depth", type=int, default=1500, help="ads before the deep page (default 1,500)")
    parser.add_argument("--q", default="fiets", help="the search word (default: fiets)")
    parser.add_argument(
        "--load", choices=["auto", "wrk", "python"], default="auto", help="load client (default: wrk when installed)"
    )
    args = parser.parse_args()
    if args.load == "auto":
        args.load = "wrk" if shutil.which("wrk") else "python"
        if args.load != "wrk":
            print("wrk is missing (apt-get install -y wrk): a Python load client stands in, less exact", flush=True)
    token, ads = prepare(args)
    headers = {**PROXY_HEADERS, "Authorization": f"Token {token}"}
    load = os.getloadavg()[0]  # other work on the machine skews every figure
    port = free_port()
    with gunicorn(port, args.workers) as server_pid:
        points = endpoints(port, headers, args.q, args.depth)
        measure(port, points, headers, CpuMeter(server_pid, os.environ["DATABASE_URL"]), args)
    report(points, args, ads, load)


if __name__ == "__main__":
    main()
