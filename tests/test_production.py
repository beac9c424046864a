"""The production start: preflight, gunicorn with DEBUG off, whitenoise, JSON logs."""

import gc
import json
import os
import re
import runpy
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.helpers import database_url

VENV_BIN = Path(sys.executable).parent


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name != "SECRET_KEY"}
    return {
        **env,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(tmp_path / "static"),
        "EMBEDDED_BROKER_DIR": str(tmp_path / "broker"),
        **extra,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_preflight_refuses_debug_off_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]

    result = subprocess.run(
        [sys.executable, "manage.py", "preflight"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_preflight_refuses_debug_off_without_a_shared_cache_for_the_rate_limits(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "preflight"],
        cwd=settings.BASE_DIR,
        env=production_env(tmp_path, REDIS_URL=""),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def test_preflight_accepts_a_real_secret_key_and_a_shared_cache(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "preflight"],
        cwd=settings.BASE_DIR,
        # Never reached: preflight reads the configuration.
        env=production_env(tmp_path, REDIS_URL="redis://redis.invalid:6379/0"),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr


def fetch(url: str, **headers: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (http to loopback)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def gunicorn(transactional_db, tmp_path):
    port = free_port()
    env = production_env(tmp_path, DATABASE_URL=database_url(), PORT=str(port), WEB_CONCURRENCY="1")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        timeout=120,
    )
    log = (tmp_path / "gunicorn.log").open("w+")
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "privacyportal.wsgi:application",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            fetch(f"{base}/healthz")
            break
        except OSError:
            time.sleep(0.2)
    yield base, tmp_path / "gunicorn.log"
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.mark.slow
def test_gunicorn_serves_a_styled_page_the_admin_css_and_healthz(gunicorn):
    base, _log = gunicorn

    status, _headers, body = fetch(f"{base}/")
    assert status == 200
    stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', body.decode())
    assert stylesheet, "the page links a hashed stylesheet"
    css_status, css_headers, _css = fetch(base + stylesheet[1], **{"Accept-Encoding": "gzip"})
    assert css_status == 200
    assert css_headers["Content-Type"].startswith("text/css")
    assert css_headers.get("Content-Encoding") == "gzip"
    assert "max-age=315360000" in css_headers["Cache-Control"]

    login = fetch(f"{base}/admin/login/")[2].decode()
    admin_css = re.search(r'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', login)
    assert admin_css and fetch(base + admin_css[1])[0] == 200

    health_status, _h, health = fetch(f"{base}/healthz")
    assert health_status == 200
    assert json.loads(health) == {"database": "ok", "broker": "ok"}


@pytest.mark.slow
def test_logs_are_json_lines_with_a_request_id_and_no_token(gunicorn):
    base, log_path = gunicorn
    token = "A" * 43

    status, headers, _body = fetch(f"{base}/requests/status/{token}/")
    time.sleep(0.5)

    assert status == 404
    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    request_lines = [line for line in lines if line.get("logger") == "privacyportal.request"]
    assert request_lines, log_path.read_text()
    line = request_lines[-1]
    assert line["path"] == "/requests/status/…/"
    assert line["status"] == 404
    assert line["request_id"] == headers["X-Request-ID"]
    assert token not in log_path.read_text()


@pytest.mark.slow
def test_gunicorns_own_log_of_a_malformed_request_has_no_token(gunicorn):
    base, log_path = gunicorn
    token = secrets.token_urlsafe(32)
    port = int(base.rsplit(":", 1)[1])

    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET /requests/status/{token}/\x7f HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        answer = sock.recv(1024)
    time.sleep(0.5)

    assert answer.startswith(b"HTTP/1.1 400")
    log = log_path.read_text()
    assert "Invalid request from ip=127.0.0.1" in log
    assert token not in log


def test_gunicorns_master_sets_what_it_loaded_aside_before_forking_a_worker():
    config = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    frozen_before = gc.get_freeze_count()
    try:
        config["pre_fork"](server=None, worker=None)

        assert gc.get_freeze_count() > frozen_before
    finally:
        gc.unfreeze()
