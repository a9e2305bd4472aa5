"""Throughput of the public JSON look-up against a bare Flask endpoint, same gunicorn settings.

Not a test: fills a SQLite file with N certificates, then starts gunicorn on 127.0.0.1 twice with
identical settings (sync workers) -- once this app, once a bare Flask app with one trivial
endpoint -- drives each with `wrk` for a fixed time (each request asks for a random certificate
number), stops both servers and prints requests/second and the ratio (issue 4 goal: >= 0.5).
Rate limiting is switched off for the run; look-up logging stays on (to a file). The look-up
runs twice: as configured by default (a 5-second look-up cache per worker) and with the cache off,
so every request runs its SELECT.

    uv run python benchmarks/verify_api.py [seconds] [certificates]

Needs `wrk` (Debian: apt-get install wrk).
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL = 0.5
WORKERS = 2
WRK_THREADS = 2
WRK_CONNECTIONS = 32
ROUNDS = 3
DB_ENV = "VERIFY_BENCH_DATABASE_URL"
LOG_ENV = "VERIFY_BENCH_LOG"


# --- the two apps gunicorn loads (as "verify_api:verify_app()" and "verify_api:bare_app()") ---


def verify_app(cache_seconds: float | None = None):
    """The app as configured by default, but without rate limiting; `cache_seconds` overrides
    VERIFY_CACHE_SECONDS (0: every look-up goes to the database)."""
    from certification import create_app

    config = {
        "SQLALCHEMY_DATABASE_URI": os.environ[DB_ENV],
        "SECRET_KEY": "benchmark",
        "RATE_LIMIT_VERIFY": "off",
    }
    if cache_seconds is not None:
        config["VERIFY_CACHE_SECONDS"] = cache_seconds
    app = create_app(config)
    handler = logging.FileHandler(os.environ[LOG_ENV])
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    logging.getLogger("certification.verification").addHandler(handler)
    return app


def bare_app():
    from flask import Flask, jsonify

    app = Flask("bare")

    @app.route("/ping")
    def ping():
        return jsonify(ok=True)

    return app


# --- set-up -------------------------------------------------------------------------------


def fill_database(url: str, count: int) -> list[str]:
    """`count` certificates, each with its organisation, cycle, two surveillance audits, a site."""
    from certification import create_app
    from certification.certificates.models import Certificate, CertificateSite
    from certification.extensions import db
    from tests import factories

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark"})
    numbers = []
    with app.app_context():
        db.create_all()
        for n in range(count):
            org = factories.organisation(legal_name=f"Güneş Müşteri Hizmetleri {n} A.Ş.")
            cycle = factories.cycle(
                factories.quote(factories.application(org)), decision_date=date(2026, 3, 15)
            )
            factories.audit(cycle, kind="surveillance1", due_by=date(2027, 3, 15))
            factories.audit(cycle, kind="surveillance2", due_by=date(2028, 3, 15))
            number = f"ACB-2026-{n + 1:05d}"
            site = org.sites[0]
            db.session.add(
                Certificate(
                    number=number,
                    token=secrets.token_urlsafe(24),
                    organisation=org,
                    cycle=cycle,
                    scheme="iso10002",
                    edition="2018",
                    scope="Handling of customer complaints for retail services",
                    confidential=n % 50 == 0,
                    issued_on=date(2026, 3, 15),
                    original_issued_on=date(2026, 3, 15),
                    expires_on=date(2029, 3, 14),
                    sites=[
                        CertificateSite(
                            site_id=site.id,
                            name=site.name,
                            address=site.address,
                            city=site.city,
                            country=site.country,
                            scope=site.scope,
                            is_head_office=True,
                        )
                    ],
                )
            )
            numbers.append(number)
        db.session.commit()
        db.engine.dispose()
    return numbers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(target: str, port: int, env: dict, lifetime: int) -> subprocess.Popen:
    """gunicorn under `timeout`, so the server ends even if this script is killed."""
    command = [
        "timeout",
        str(lifetime),
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--pythonpath",
        f"{ROOT / 'benchmarks'},{ROOT}",
        "--log-level",
        "warning",
        target,
    ]
    return subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server for {url} exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"no answer from {url} within {seconds} s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, 15)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait()


def drive(url: str, seconds: int, script: Path | None, check: bool = True) -> float:
    """Requests/second from wrk; every answer must be a 2xx."""
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if errors and check:
        raise SystemExit(f"{errors.group(1)} answers from {url} were not 2xx:\n{output}")
    return rate


class Server:
    """One gunicorn on a free port of 127.0.0.1, stopped on leaving the `with` block."""

    def __init__(self, target: str, ready_path: str, env: dict, lifetime: int) -> None:
        self.target, self.ready_path, self.env, self.lifetime = target, ready_path, env, lifetime
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.process = start_gunicorn(self.target, self.port, self.env, self.lifetime)
        wait_until_up(self.base + self.ready_path, self.process)
        return self

    def __exit__(self, *_exc) -> None:
        stop(self.process)


def lua_script(folder: Path, numbers: list[str]) -> Path:
    """wrk asks for a random certificate of the database on each request."""
    sample = random.Random(4).sample(numbers, min(len(numbers), 500))
    listed = ", ".join(f'"{n}"' for n in sample)
    script = folder / "numbers.lua"
    script.write_text(
        f"local numbers = {{{listed}}}\n"
        "request = function()\n"
        '  local path = "/api/v1/certificates/" .. numbers[math.random(#numbers)]\n'
        "  return wrk.format(nil, path)\n"
        "end\n"
    )
    return script


def main() -> None:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        url = f"sqlite:///{folder / 'verify.db'}"
        started = time.perf_counter()
        numbers = fill_database(url, count)
        print(f"{count} certificates written in {time.perf_counter() - started:.1f} s")
        env = {**os.environ, DB_ENV: url, LOG_ENV: str(folder / "lookups.log")}
        settings = f"gunicorn -w {WORKERS} sync, wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS}"
        print(f"{settings}, {ROUNDS} alternating rounds of {seconds} s each, on 127.0.0.1")
        script = lua_script(folder, numbers)
        targets = {
            "JSON look-up": "verify_api:verify_app()",
            "JSON look-up, no cache": "verify_api:verify_app(0)",
            "bare endpoint": "verify_api:bare_app()",
        }
        rates: dict[str, list[float]] = {name: [] for name in targets}
        lifetime = len(targets) * ROUNDS * (seconds + 30) + 60  # the servers end by then anyway
        api_path = f"/api/v1/certificates/{numbers[1]}"
        with contextlib.ExitStack() as stack:
            servers = {
                name: stack.enter_context(
                    Server(target, "/ping" if "bare" in name else api_path, env, lifetime)
                )
                for name, target in targets.items()
            }
            # Alternating rounds, so that a burst of other load on the machine hits all alike.
            for round_number in range(1, ROUNDS + 1):
                for name, server in servers.items():
                    bare = "bare" in name
                    url = server.base + ("/ping" if bare else "/")
                    rates[name].append(drive(url, seconds, None if bare else script))
                print(
                    f"  round {round_number}: " + " / ".join(f"{r[-1]:.0f}" for r in rates.values())
                )
        logged = sum(1 for _ in (folder / "lookups.log").open())
    medians = {name: statistics.median(values) for name, values in rates.items()}
    bare = medians["bare endpoint"]
    for name, rate in medians.items():
        print(f"{name:24} {rate:7.0f} requests/s (median), ratio {rate / bare:.2f}")
    print(f"{logged} look-ups logged; goal: ratio >= {GOAL} for the JSON look-up")


if __name__ == "__main__":
    main()
