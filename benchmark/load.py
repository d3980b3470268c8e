"""The benchmark's load test: gunicorn serving the app with production settings, driven
by wrk (or, without it, Python threads) on loopback for a bounded time."""

import http.client
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import override_settings

BASE = Path(settings.BASE_DIR)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def load_test(user, seconds: int, clients: int) -> dict:
    key = secrets.token_urlsafe(50)
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": key,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_CONN_MAX_AGE": "60",
        "REQUIRE_2FA": "0",
    }
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE,
        env=env,
        check=True,
    )
    gunicorn = str(Path(python).with_name("gunicorn"))
    server = subprocess.Popen(
        [
            gunicorn,
            "config.wsgi",
            "--workers",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=BASE,
        env=env,
    )
    try:
        wait_for(port)
        cookie = session_cookie(user, key)
        if shutil.which("wrk"):
            return drive_wrk(port, cookie, seconds, clients)
        return drive(port, cookie, seconds, clients)
    finally:
        server.terminate()
        server.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def session_cookie(user, key: str) -> str:

    with override_settings(SECRET_KEY=key):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def drive_wrk(port: int, cookie: str, seconds: int, clients: int) -> dict:
    """wrk (C, event-driven) as the load generator: it leaves the cores to the server."""
    script = Path(__file__).with_name("load.lua")
    result = subprocess.run(
        [
            "wrk",
            "--threads",
            "2",
            "--connections",
            str(clients),
            "--duration",
            f"{seconds}s",
            "--timeout",
            "10s",
            "--header",
            f"Cookie: {cookie}",
            "--script",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("{"))
    figures = json.loads(line)
    elapsed = figures["duration_us"] / 1e6
    return {
        "generator": "wrk",
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": figures["requests"],
        "requests_per_second": round(figures["requests"] / elapsed, 1),
        "p50_ms": round(figures["p50_us"] / 1000, 1),
        "p95_ms": round(figures["p95_us"] / 1000, 1),
        "errors": figures["socket_errors"] + figures["not_200"],
    }


def drive(port: int, cookie: str, seconds: int, clients: int) -> dict:
    """Python threads as the load generator, where wrk is not installed; they share
    the cores with the server, so the figures are lower than wrk's."""
    paths = ["/", "/grants/?as_of=2020-06-30"]
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(n: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed, i = [], 0, n
        while time.monotonic() < deadline:
            path = paths[i % len(paths)]
            i += 1
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append((time.perf_counter() - start) * 1000)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "generator": "python threads",
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None,
        "errors": errors[0],
    }
