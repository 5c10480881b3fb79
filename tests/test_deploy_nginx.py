"""The shipped nginx site (deploy/nginx-fundquery.conf) in front of the real app on loopback, as a
county would run it: TLS, static files with their cache headers, gzip, and the resident lookup
limited per client (the client's own address through the proxy, whatever X-Forwarded-For it sends)."""

from __future__ import annotations

import gzip
import http.client
import os
import re
import secrets
import socket
import ssl
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from fundquery import REPO_ROOT, create_app
from fundquery.web.db import EXTENSION
from tests.web.conftest import free_port, running_server

SITE = REPO_ROOT / "deploy" / "nginx-fundquery.conf"
NGINX = "/usr/sbin/nginx"
LIMIT = 3  # lookups a minute per client, set small for the test (LOOKUP_RATE_LIMIT)


def _site(app_port: int, http_port: int, https_port: int, cert: Path, key: Path) -> str:
    """The shipped site with this machine's ports, certificate and checkout put in."""
    text = SITE.read_text(encoding="utf-8")
    replacements = {
        "server 127.0.0.1:5000;": f"server 127.0.0.1:{app_port};",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        "/etc/ssl/fundquery/fullchain.pem": str(cert),
        "/etc/ssl/fundquery/privkey.pem": str(key),
        "/opt/fundquery/": f"{REPO_ROOT}/",
    }
    for old, new in replacements.items():
        assert old in text, f"the shipped site no longer has {old!r}"
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """(https port, app) with nginx in front of `fundquery serve`'s server, TRUSTED_PROXIES = 1."""
    root = tmp_path_factory.mktemp("nginx")
    os.chmod(root, 0o755)  # noqa: S103 (nginx's workers read and write here)
    instance = root / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        f'TRUSTED_PROXIES = 1\nLOOKUP_RATE_LIMIT = "{LIMIT} per minute"\n', encoding="utf-8"
    )
    # As `fundquery init` leaves it: every lookup hashes the number typed, even a malformed one.
    (instance / "id_hash.key").write_text(secrets.token_hex(32) + "\n", encoding="ascii")
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    with running_server(root / "live.duckdb", instance) as server:
        app_port = urlsplit(server.url).port
        http_port, https_port = free_port(), free_port()
        (root / "site.conf").write_text(_site(app_port, http_port, https_port, cert, key))
        user = "user root;" if os.geteuid() == 0 else ""
        (root / "nginx.conf").write_text(
            f"""{user}
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {root}/access.log;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    include {root}/site.conf;
}}
""",
            encoding="utf-8",
        )
        proc = subprocess.Popen(
            [NGINX, "-p", str(root), "-c", str(root / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # nginx writes its errors to error.log
        )
        try:
            deadline = time.monotonic() + 15
            while True:
                try:
                    socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(
                            "nginx did not start: "
                            f"{(root / 'error.log').read_text() if (root / 'error.log').exists() else ''}"
                        ) from None
                    time.sleep(0.1)
            yield https_port
        finally:
            proc.terminate()
            proc.wait(timeout=10)


class Client:
    """One browser on its own loopback address, keeping its cookies."""

    def __init__(self, port: int, address: str) -> None:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        self.port, self.address, self.context, self.cookies = port, address, context, {}

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        con = http.client.HTTPSConnection(
            "127.0.0.1",
            self.port,
            context=self.context,
            source_address=(self.address, 0),
            timeout=30,
        )
        sent = {**(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        con.request(method, path, body=body, headers=sent)
        response = con.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        con.close()
        return response, data

    def look_up(self, forged_for: str | None = None) -> int:
        _, page = self.request("GET", "/query")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        body = f"csrf_token={token.decode()}&id_number=110101199003077777&name=%E5%BC%A0%E4%B8%89"
        headers = {
            "Referer": f"https://127.0.0.1:{self.port}/query"
        }  # as a browser sends it over TLS
        if forged_for:
            headers["X-Forwarded-For"] = forged_for
        response, answer = self.request("POST", "/query", body, headers)
        self.last = answer
        return response.status


def test_static_files_come_back_compressed_with_long_cache_headers(proxied):
    client = Client(proxied, "127.0.0.2")
    response, body = client.request(
        "GET", "/static/css/app.css", headers={"Accept-Encoding": "gzip"}
    )
    assert response.status == 200
    assert "max-age=2592000" in response.getheader("Cache-Control")
    assert response.getheader("Expires")
    assert response.getheader("Content-Encoding") == "gzip"
    assert b".site-search" in gzip.decompress(body)  # the file on disk, not a page of the app
    plotly, _ = client.request("GET", "/static/vendor/plotly.min.js")
    assert plotly.status == 200 and "max-age=31536000" in plotly.getheader("Cache-Control")


def test_the_lookup_is_limited_per_client_not_per_proxy(proxied):
    first, second = Client(proxied, "127.0.0.2"), Client(proxied, "127.0.0.3")
    # the first client tries to pass for other addresses: nginx writes its real one
    answers = [first.look_up(forged_for=f"10.0.0.{i}") for i in range(LIMIT + 1)]
    assert answers == [200] * LIMIT + [429], first.last.decode()[-3000:]
    assert second.look_up() == 200  # another resident behind the same proxy is not held up


def test_the_upload_limit_is_the_app_one(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE": str(tmp_path / "x.duckdb")})
    limit_mb = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    app.extensions[EXTENSION].close()
    assert re.search(rf"client_max_body_size {limit_mb}m;", SITE.read_text(encoding="utf-8"))
