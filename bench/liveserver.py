"""The real server for benches and fault tests (issue 8): a prepared store, `fundquery serve`, a client.

Used by bench/lookup_under_load.py, bench/soak.py and their short versions in
tests/.  The server runs as `fundquery serve` does (gunicorn, one worker
process, threads) in its own process group, so a test can SIGKILL all of it.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import secrets
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.bigfile import funds_xlsx, payments_csv, person_id, person_name  # noqa: E402

PASSWORD = "bench password 2024"
# The published people live in this many villages of 城关镇 (about 50 households each at 2,000 people:
# a village notice of realistic length).
VILLAGES = 40
FUNDQUERY = Path(sys.executable).with_name("fundquery")
# Lookups from one address far beyond a kiosk's: the bench measures the server, not the limiter.
INSTANCE_CONFIG = (
    'LOOKUP_RATE_LIMIT = "10000000 per minute"\nLOOKUP_GLOBAL_RATE_LIMIT = "10000000 per minute"\n'
    'LOGIN_RATE_LIMIT = "100000 per minute"\n'
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_store(work: Path, people: int) -> dict:
    """A store with the fund catalogue, ``people`` published payments to look up, users; its paths."""
    from etl.idnum import Hasher, load_key
    from etl.load import load_file
    from etl.store import connect
    from fundquery.accounts import accounts
    from fundquery.web.config import ensure_instance

    work.mkdir(parents=True, exist_ok=True)
    db, instance, uploads = work / "fundquery.duckdb", work / "instance", work / "uploads"
    ensure_instance(instance)
    (instance / "config.py").write_text(INSTANCE_CONFIG, encoding="utf-8")
    hasher = Hasher(load_key(instance, create=True))
    con = connect(db)
    try:
        for path, kind in (
            (funds_xlsx(work / "funds.xlsx"), "funds"),
            (
                payments_csv(work / "published.csv", people, first=10_000_000, villages=VILLAGES),
                "payments",
            ),
        ):
            result = load_file(
                con,
                path,
                kind,
                hasher=hasher,
                uploaded_by="bench",
                archive_dir=uploads,
                publish=True,
                reviewer="bench-reviewer",
            )
            if result.status != "loaded":
                raise RuntimeError(result.as_json())
        accounts.create(con, "clerk", PASSWORD, ["finance"], office="城关镇财政所", actor="bench")
        accounts.create(con, "checker", PASSWORD, ["inspector"], office=None, actor="bench")
        accounts.create(con, "admin", PASSWORD, ["admin"], office=None, actor="bench")
    finally:
        con.close()
    lookups = [(person_id(n), person_name(n)) for n in range(10_000_000, 10_000_000 + people)]
    return {"db": db, "instance": instance, "uploads": uploads, "people": lookups}


@dataclass
class Server:
    """`fundquery serve` on a free loopback port, in its own process group."""

    db: Path
    instance: Path
    uploads: Path
    log_path: Path
    threads: int = 8
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Server:
        env = {
            **os.environ,
            "FUNDQUERY_DB": str(self.db),
            "FUNDQUERY_INSTANCE": str(self.instance),
            "FUNDQUERY_UPLOADS": str(self.uploads),
            "FUNDQUERY_MAX_UPLOAD_MB": "400",
        }
        for name in ("FUNDQUERY_SECRET_KEY", "FUNDQUERY_ID_KEY"):
            env.pop(name, None)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [str(FUNDQUERY), "serve", "--port", str(self.port), "--threads", str(self.threads)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"server exited {self.proc.returncode}:\n{self.log_path.read_text()[-3000:]}"
                )
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server not up after {timeout} s:\n{self.log_path.read_text()[-3000:]}")

    def worker_pid(self) -> int | None:
        """The gunicorn worker (the process that holds the store)."""
        try:
            children = (
                Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
            )
        except OSError:
            return None
        return int(children[0]) if children else None

    def worker_rss_mib(self) -> float | None:
        pid = self.worker_pid()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except (OSError, TypeError):
            return None
        return round(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024, 1)

    def worker_peak_mib(self) -> float | None:
        pid = self.worker_pid()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except (OSError, TypeError):
            return None
        return round(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024, 1)

    def kill(self) -> None:
        """SIGKILL the whole server (arbiter and worker) at once, as a power cut or the OOM killer would."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', html).group(1)


class Browser:
    """A signed-in staff user's cookie jar over urllib (forms with their CSRF token)."""

    def __init__(self, base: str) -> None:
        self.base = base
        jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(jar)
        self.no_redirect = urllib.request.build_opener(jar, _NoRedirect())

    def get(self, path: str, timeout: float = 600) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8")

    def post_form(self, path: str, fields: dict, timeout: float = 3600) -> tuple[int, str]:
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(
            self.base + path,
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        with self.opener.open(request, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8")

    def sign_in(self, username: str, password: str = PASSWORD) -> Browser:
        _, html = self.get("/login")
        self.post_form(
            "/login", {"csrf_token": csrf(html), "username": username, "password": password}
        )
        return self

    def upload(self, path: Path, kind: str = "auto") -> str:
        """POST the file to /staff/upload (streamed); return its SHA-256 from the preview address."""
        _, html = self.get("/staff/upload")
        boundary = "----fundquery" + secrets.token_hex(8)
        head = "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
            for k, v in {"csrf_token": csrf(html), "kind": kind, "replaces": ""}.items()
        )
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        tail = f"\r\n--{boundary}--\r\n".encode()
        length = len(head.encode()) + path.stat().st_size + len(tail)

        def body() -> Iterator[bytes]:
            yield head.encode()
            with open(path, "rb") as fh:
                while block := fh.read(1 << 20):
                    yield block
            yield tail

        request = urllib.request.Request(
            self.base + "/staff/upload",
            data=body(),
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Content-Length": str(length),
            },
        )
        try:
            self.no_redirect.open(request, timeout=3600)
        except urllib.error.HTTPError as exc:
            if exc.code in (302, 303):
                return urllib.parse.urlsplit(exc.headers["Location"]).path.rsplit("/", 1)[1]
            raise
        raise RuntimeError("the upload was not redirected to its preview")

    def preview(self, sha256: str, kind: str) -> str:
        """The preview page (read + validate on the server, nothing stored)."""
        return self.get(f"/staff/upload/{sha256}?kind={kind}")[1]

    def load(self, sha256: str, kind: str, preview_html: str) -> str:
        """POST the load (with the 'load anyway' tick); the page it ends on."""
        return self.post_form(
            f"/staff/upload/{sha256}/load",
            {"csrf_token": csrf(preview_html), "kind": kind, "replaces": "", "load_anyway": "y"},
        )[1]


class Resident:
    """One keep-alive connection looking people up as a kiosk would: GET the form once, then POST."""

    def __init__(self, port: int, timeout: float = 30) -> None:
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None
        self.token = self.cookie = None

    def _connect(self) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        self.conn.request("GET", "/query")
        response = self.conn.getresponse()
        html = response.read().decode()
        self.token = csrf(html)
        self.cookie = response.getheader("Set-Cookie").split(";", 1)[0]

    def lookup(self, id_number: str, name: str) -> tuple[int, bytes]:
        if self.conn is not None and stale(self.conn):
            self.close()
        if self.conn is None:
            self._connect()
        body = urllib.parse.urlencode(
            {"csrf_token": self.token, "id_number": id_number, "name": name}
        )
        try:
            self.conn.request(
                "POST",
                "/query",
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": self.cookie,
                },
            )
            response = self.conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise

    def get(self, path: str) -> tuple[int, bytes]:
        if self.conn is not None and stale(self.conn):
            self.close()
        if self.conn is None:
            self._connect()
        try:
            self.conn.request("GET", path, headers={"Cookie": self.cookie})
            response = self.conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None


def stale(conn: http.client.HTTPConnection | None) -> bool:
    """Whether a kept-alive connection was closed by the server while idle (gunicorn's keepalive is 2 s).

    Checked before reusing it, as urllib3 and browsers do: readable with
    nothing asked means the server hung up.
    """
    sock = getattr(conn, "sock", None)
    if sock is None:
        return conn is not None
    return bool(select.select([sock], [], [], 0)[0])


def percentile(sorted_values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of already sorted values."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), int(-(-q * len(sorted_values) // 1))))
    return sorted_values[rank - 1]


class RssSampler(threading.Thread):
    """Samples the worker's resident memory every ``every`` seconds until stopped."""

    def __init__(self, server: Server, every: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.server, self.every = server, every
        self.samples: list[tuple[float, float]] = []
        self._halt = threading.Event()
        self.t0 = time.monotonic()

    def run(self) -> None:
        while not self._halt.is_set():
            rss = self.server.worker_rss_mib()
            if rss is not None:
                self.samples.append((round(time.monotonic() - self.t0, 1), rss))
            self._halt.wait(self.every)

    def stop(self) -> None:
        self._halt.set()
        self.join()
