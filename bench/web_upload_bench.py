"""Upload the benchmark's payments file through the web form of the real server.

Not a test: it prints figures.  Needs the files bench/load_bench.py makes
(bench/out/data-<rows>-*/payments.xlsx and funds.xlsx).  It builds a fresh
store with the fund catalogue and a finance user, starts the server as
``fundquery serve`` does (gunicorn, one worker, threads) with a 200 MB upload
limit, signs in, then times:

  upload   POST /staff/upload (the file sent and staged under its SHA-256)
  preview  GET the preview page (read + validate, nothing stored)
  load     POST load with the 'load anyway' tick (read + validate + load)

and reports the server worker's peak memory (VmHWM) after each step, and
the figures as JSON in bench/out/web_upload_last.json.

    .venv/bin/python bench/web_upload_bench.py [--rows 1000000] [--file xlsx|csv]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

PASSWORD = "bench password 2024"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def data_folder(rows: int) -> Path:
    found = sorted(OUT.glob(f"data-{rows}-*"))
    if not found or not (found[-1] / "payments.xlsx").exists():
        sys.exit(
            f"no bench/out/data-{rows}-*: run  .venv/bin/python bench/load_bench.py --rows {rows}  first"
        )
    return found[-1]


def prepare_store(work: Path, funds: Path) -> tuple[Path, Path]:
    from etl.idnum import Hasher, load_key
    from etl.load import load_file
    from etl.store import connect
    from fundquery.accounts import accounts
    from fundquery.web.config import ensure_instance

    db, instance = work / "bench.duckdb", work / "instance"
    ensure_instance(instance)
    key = load_key(instance, create=True)
    con = connect(db)
    result = load_file(
        con,
        funds,
        "funds",
        hasher=Hasher(key),
        uploaded_by="bench",
        archive_dir=work / "uploads",
        publish=True,
        reviewer="bench-reviewer",
    )
    assert result.status == "loaded", result.as_json()
    accounts.create(con, "bench", PASSWORD, ["finance"], office="城关镇财政所", actor="bench")
    con.close()
    return db, instance


def worker_peak_mib(arbiter_pid: int) -> float | None:
    """The gunicorn worker's peak resident memory (VmHWM), in MiB."""
    try:
        children = Path(f"/proc/{arbiter_pid}/task/{arbiter_pid}/children").read_text().split()
        status = Path(f"/proc/{children[0]}/status").read_text()
    except (OSError, IndexError):
        return None
    kib = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
    return round(kib / 1024, 1)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(jar)
        self.no_redirect = urllib.request.build_opener(jar, _NoRedirect())

    def post_no_redirect(self, path: str, body: bytes, content_type: str) -> str:
        """POST and return the Location of the redirect that answers it."""
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Content-Type": content_type}
        )
        try:
            self.no_redirect.open(request, timeout=3600)
        except urllib.error.HTTPError as exc:
            if exc.code in (302, 303):
                return exc.headers["Location"]
            raise
        raise RuntimeError("expected a redirect")

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self.base + path, timeout=3600) as r:
            return r.status, r.geturl(), r.read().decode("utf-8")

    def post(self, path: str, body: bytes, content_type: str) -> tuple[int, str, str]:
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Content-Type": content_type}
        )
        with self.opener.open(request, timeout=3600) as r:
            return r.status, r.geturl(), r.read().decode("utf-8")

    def post_form(self, path: str, fields: dict) -> tuple[int, str, str]:
        return self.post(
            path, urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        )


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', html).group(1)


def multipart(fields: dict, file_field: str, path: Path) -> tuple[bytes, str]:
    boundary = "----fundquery" + secrets.token_hex(8)
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{path.name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
    )
    parts.append(path.read_bytes())
    parts.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--file", choices=("xlsx", "csv"), default="xlsx")
    args = parser.parse_args()
    folder = data_folder(args.rows)
    upload = folder / ("payments.xlsx" if args.file == "xlsx" else "payments_gbk.csv")
    work = OUT / "work" / f"web-{int(time.time())}"
    work.mkdir(parents=True)
    db, instance = prepare_store(work, folder / "funds.xlsx")
    port = free_port()
    env = {
        **os.environ,
        "FUNDQUERY_DB": str(db),
        "FUNDQUERY_INSTANCE": str(instance),
        "FUNDQUERY_UPLOADS": str(work / "uploads"),
        "FUNDQUERY_MAX_UPLOAD_MB": "200",
    }
    code = (
        "import logging; from fundquery import create_app; from fundquery.web.server import serve; app = create_app(); "
        f"app.logger.setLevel(logging.INFO); serve(app, '127.0.0.1', {port})"
    )
    log = open(work / "server.log", "wb")
    server = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    figures: dict = {
        "rows": args.rows,
        "file": upload.name,
        "file_mib": round(upload.stat().st_size / 2**20, 1),
    }
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        client = Client(base)
        _, _, html = client.get("/login")
        client.post_form(
            "/login", {"csrf_token": csrf(html), "username": "bench", "password": PASSWORD}
        )
        figures["worker_peak_mib_idle"] = worker_peak_mib(server.pid)
        _, _, html = client.get("/staff/upload")
        body, content_type = multipart(
            {"csrf_token": csrf(html), "kind": "auto", "replaces": ""}, "file", upload
        )
        start = time.perf_counter()
        preview_path = client.post_no_redirect("/staff/upload", body, content_type)
        figures["upload_s"] = round(time.perf_counter() - start, 1)
        del body
        start = time.perf_counter()
        _, _, html = client.get(preview_path)
        figures["preview_s"] = round(time.perf_counter() - start, 1)
        figures["worker_peak_mib_after_preview"] = worker_peak_mib(server.pid)
        start = time.perf_counter()
        client.get(preview_path)
        figures["preview_again_cached_s"] = round(time.perf_counter() - start, 2)
        sha = urllib.parse.urlsplit(preview_path).path.rsplit("/", 1)[1]
        preview = json.loads(client.get(f"/staff/upload/{sha}?kind=auto&format=json")[2])
        figures.update(
            kind=preview["kind"],
            rows_to_load=preview["rows"],
            errors=preview["error_total"],
            warnings=preview["warning_total"],
        )
        start = time.perf_counter()
        status, where, html = client.post_form(
            f"/staff/upload/{sha}/load",
            {"csrf_token": csrf(html), "kind": preview["kind"], "replaces": "", "load_anyway": "y"},
        )
        figures["load_s"] = round(time.perf_counter() - start, 1)
        figures["loaded"] = "已导入批次" in html
        figures["worker_peak_mib_after_load"] = worker_peak_mib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    figures["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    (OUT / "web_upload_last.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1))
    for key, value in figures.items():
        print(f"{key:32} {value}")
    stages = [
        line
        for line in (work / "server.log").read_text(errors="replace").splitlines()
        if "preview " in line or "load " in line
    ]
    print("\n".join(stages))
    shutil.copyfile(work / "server.log", OUT / "web_upload_server.log")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
