"""Real server processes for the live tests: uvicorn and redis-server, pointed at the
test database, and a small client that syncs the way static/js/live.js does."""

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote
from urllib.request import Request, urlopen

from django.apps import apps
from django.conf import settings
from django.db import connection
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def ensure_categories() -> None:
    """The categories migration 0003 makes. Serialized rollback should put them back after
    a transactional test's flush, but not once Playwright has started its event loop in
    this process: asgiref then hands out fresh connection objects without the copy."""
    import_module("ads.migrations.0003_initial_categories").create_categories(apps, None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def live_channel() -> str:
    # Pub/sub channels are global to a Redis server: one per test run, so that parallel
    # workers never hear each other's events.
    return f"samsam:live:test:{uuid.uuid4().hex}"


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@dataclass
class Server:
    port: int
    process: subprocess.Popen

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"


def start_uvicorn(*, log: Path, redis_url: str = "", channel: str = "", debug: bool = False) -> Server:
    """An ASGI process like production's /ws/ server (it also answers HTTP here). Without
    Redis it is the embedded default: one process, pushes delivered in memory."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samsam.settings",
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        "LIVE_TRANSPORT": "redis" if redis_url else "local",
        "LIVE_REDIS_CHANNEL": channel,
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "1" if debug else "0",
        "SECURE_COOKIES": "0",
        "PYTHONUNBUFFERED": "1",
    }
    args = [PYTHON, "-m", "uvicorn", "samsam.asgi:application", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--lifespan", "off", "--no-access-log", "--ws", "websockets"]
    return Server(port, _start(args, env, log))


def wait_ready(*servers: Server) -> None:
    for server in servers:
        _wait_for_port(server.port, server.process)


@dataclass
class PrivateRedis:
    """A redis-server of our own that we may kill: never the machine's shared one."""

    port: int
    log: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--protected-mode", "no"]
        self.process = _start(args, dict(os.environ), self.log)
        _wait_for_port(self.port, self.process)

    def kill(self) -> None:
        assert self.process is not None
        stop(self.process, signal.SIGKILL)


def api(method: str, url: str, *, token: str | None = None, data: dict | None = None) -> tuple[int, dict]:
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    body = json.dumps(data).encode() if data is not None else None
    request = Request(url, data=body, headers=headers, method=method)  # noqa: S310 - loopback only
    try:
        with urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def open_socket(url: str, *, cookie: str | None = None, origin: str | None = None) -> ClientConnection:
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else None
    return connect(url, additional_headers=headers, origin=origin, open_timeout=5)


def close_code(socket: ClientConnection, timeout: float = 5) -> int | None:
    """Wait for the server to close the socket; its close code."""
    try:
        socket.recv(timeout=timeout)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
    raise AssertionError("the server sent an event instead of closing")


@dataclass
class SyncingClient:
    """Follows one ad like live.js: resync over the API on (re)connect and on each push
    whose cursor is new. It keeps every reply it is given and does not deduplicate, so
    a duplicate or a gap shows up in `replies`."""

    http: str  # where the API is
    ws: str  # where the websocket is
    ad_id: int
    token: str
    cookie: str
    cursor: int = 0
    replies: list[int] = field(default_factory=list)
    pushes: list[dict] = field(default_factory=list)
    socket: ClientConnection | None = None

    def connect(self) -> None:
        self.socket = open_socket(f"{self.ws}/ws/ads/{self.ad_id}/", cookie=self.cookie, origin=self.http)
        self.resync()

    def disconnect(self) -> None:
        if self.socket is not None:
            self.socket.close()
            self.socket = None

    def resync(self) -> None:
        url = f"{self.http}/api/v1/ads/{self.ad_id}/events/?since={self.cursor}"
        while url:
            status, page = api("GET", url, token=self.token)
            assert status == 200, page
            self.replies += [event["reply"]["id"] for event in page["results"] if event["reply"]]
            self.cursor = max([self.cursor] + [event["cursor"] for event in page["results"]])
            url = page["next"]

    def pump(self, seconds: float) -> None:
        """Handle pushes for a while."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = json.loads(self.socket.recv(timeout=left))
            except TimeoutError:
                return
            self.pushes.append(event)
            if event["cursor"] is None or event["cursor"] > self.cursor:
                self.resync()
