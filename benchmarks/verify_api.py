"""Throughput of the public JSON look-up against a bare Flask endpoint, same gunicorn settings.

Not a test: fills a database with N certificates (default 10,000, through tests/bulk.py),
then starts gunicorn on 127.0.0.1 with identical settings (sync workers) for this app and for
a bare Flask app with one trivial endpoint at the same address (and the rows below), drives
each with `wrk` in alternating rounds after a warm-up (each request asks for a random certificate
number of the database, from the same wrk script on both sides), stops the servers and prints
requests/second and the ratio: the median of the rounds' ratios, each round's look-up against
that round's bare endpoint (issue 14 goal: >= 0.8). The rate limit
stays on (every look-up is counted, in the default memory storage) at a level no run reaches;
look-up logging stays on (to a file). A third row asks the app with a cookie, which sends every
look-up through Flask instead of the fast path in front of it (verification/fast_path.py); a
fourth asks a bare endpoint that makes the look-up's one read and nothing else.

    uv run python benchmarks/verify_api.py [seconds] [certificates] [filled database URL]
    bash .ci/postgres.sh uv run python benchmarks/verify_api.py     # the app on PostgreSQL
    bash .ci/postgres.sh uv run python benchmarks/verify_api.py --pin [seconds] ...

`--pin` (PostgreSQL on this machine, two cores or more) keeps the servers, wrk and this script on
the first core and the PostgreSQL server on the others: the database on a machine of its own, as
a body with several app servers runs it, so its work no longer takes the app's CPU.

A third argument names a database filled already (by an earlier run's seed, say): its
certificates are asked for, nothing is written.

Needs `wrk` (Debian: apt-get install wrk).
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from scale import Database  # noqa: E402

GOAL = 0.8
WORKERS = 2
WRK_THREADS = 2
WRK_CONNECTIONS = 32
ROUNDS = 5
WARM_UP_SECONDS = 2  # each server, before the rounds: connections made, caches filled
DB_ENV = "VERIFY_BENCH_DATABASE_URL"
LOG_ENV = "VERIFY_BENCH_LOG"


# --- the two apps gunicorn loads (as "verify_api:verify_app()" and "verify_api:bare_app()") ---


def verify_app():
    """The app as configured by default, with a rate limit that counts but never refuses."""
    from certification import create_app
    from certification.serving import freeze_start_up

    config = {
        "SQLALCHEMY_DATABASE_URI": os.environ[DB_ENV],
        "SECRET_KEY": "benchmark",
        "RATE_LIMIT_VERIFY": "100000000/minute",
    }
    app = create_app(config)
    handler = logging.FileHandler(os.environ[LOG_ENV])
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    logging.getLogger("certification.verification").addHandler(handler)
    freeze_start_up()  # as app.py does
    return app


def bare_app():
    """The same address as the look-up, answered with a small JSON body and nothing else."""
    from flask import Flask, jsonify

    app = Flask("bare")

    @app.route("/api/v1/certificates/<path:number>")
    def ping(number):
        return jsonify(number=number)

    return app


def bare_read_app():
    """The bare endpoint plus the look-up's one read (`AnswerReader`, on the same database):
    what the look-up could cost with nothing of the app around it. Beside the bare endpoint it
    shows what the database round trip alone takes (on PostgreSQL the server shares the cores)."""
    from flask import Flask
    from sqlalchemy import create_engine

    from certification.verification.reader import AnswerReader

    reader = AnswerReader(create_engine(os.environ[DB_ENV]))
    app = Flask("bare_read")

    @app.route("/api/v1/certificates/<path:number>")
    def read(number):
        found = reader.find("number", number)
        return app.response_class(found.answer, mimetype="application/json")

    return app


# --- set-up -------------------------------------------------------------------------------


def fill_database(url: str, count: int) -> list[str]:
    """`count` certificates with their organisations, programmes, audits and activity."""
    from certification import create_app
    from certification.extensions import db
    from tests.bulk import seed

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark"})
    with app.app_context():
        db.create_all()
        numbers = seed(count).numbers
        db.engine.dispose()
    return numbers


def numbers_of(url: str) -> list[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        numbers = list(connection.execute(text("SELECT number FROM certificates")).scalars())
    engine.dispose()
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


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 120) -> None:
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


def drive(url: str, seconds: int, script: Path | None, check: bool = True, name: str = "") -> float:
    """Requests/second from wrk; every answer must be a 2xx. The CPU the machine and the
    database server spent meanwhile is added to CPU_SPENT[name or url]: (machine s, database s,
    requests)."""
    machine, database = busy_seconds()
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
    machine_after, database_after = busy_seconds()
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    key = name or url
    spent = CPU_SPENT.get(key, (0.0, 0.0, 0))
    CPU_SPENT[key] = (
        spent[0] + machine_after - machine,
        spent[1] + database_after - database,
        spent[2] + requests,
    )
    return rate


CPU_SPENT: dict[str, tuple[float, float, int]] = {}
TICK = os.sysconf("SC_CLK_TCK")


def busy_seconds() -> tuple[float, float]:
    """CPU seconds the whole machine has been busy, and those of the benchmark's PostgreSQL
    server (its postmaster and the processes it started; not another server on the machine)."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    machine = (sum(fields) - fields[3] - fields[4]) / TICK  # all but idle and iowait
    database = 0
    for pid in server_processes() if POSTMASTER else ():
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:  # gone meanwhile
            continue
        after = text[text.rindex(")") + 2 :].split()
        database += int(after[11]) + int(after[12])  # utime, stime
    return machine, database / TICK


POSTMASTER = 0  # the pid of the benchmark's PostgreSQL server, when it runs on this machine


def server_processes() -> list[int]:
    """The benchmark's PostgreSQL server: its postmaster and the processes it started."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat_file.read_text()
        except OSError:
            continue
        pid, parent = int(stat_file.parent.name), int(text[text.rindex(")") + 2 :].split()[1])
        if POSTMASTER in (pid, parent):
            found.append(pid)
    return found


@contextlib.contextmanager
def database_on_its_own_cores():
    """This script (so the servers and wrk it starts) on the first core, the PostgreSQL server
    on the others (its new connections' processes inherit the postmaster's); undone on leaving."""
    cores = sorted(os.sched_getaffinity(0))
    if not POSTMASTER or len(cores) < 2:
        raise SystemExit("--pin needs a PostgreSQL server on this machine and two cores")
    app, database = {cores[0]}, set(cores[1:])
    for pid in server_processes():
        os.sched_setaffinity(pid, database)
    os.sched_setaffinity(0, app)
    print(f"pinned: servers and wrk on core {cores[0]}, PostgreSQL on {sorted(database)}")
    try:
        yield
    finally:
        os.sched_setaffinity(0, cores)
        for pid in server_processes():
            with contextlib.suppress(OSError):
                os.sched_setaffinity(pid, cores)


def postmaster_of(url: str) -> int:
    """The pid of the server's postmaster: the parent of this connection's server process (0 if
    the server is not on this machine)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        backend = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        try:
            stat = Path(f"/proc/{backend}/stat").read_text()
        except OSError:
            stat = ""
    engine.dispose()
    if "(postgres)" not in stat:
        return 0
    return int(stat[stat.rindex(")") + 2 :].split()[1])


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


def lua_script(folder: Path, numbers: list[str], cookie: bool = False) -> Path:
    """wrk asks for a random certificate of the database on each request (with a cookie: the
    same requests, each carrying a cookie, as a browser's would)."""
    sample = random.Random(4).sample(numbers, min(len(numbers), 10_000))
    listed = ", ".join(f'"{n}"' for n in sample)
    script = folder / ("numbers_cookie.lua" if cookie else "numbers.lua")
    headers = '{["Cookie"] = "theme=dark"}' if cookie else "nil"
    script.write_text(
        f"local numbers = {{{listed}}}\n"
        "request = function()\n"
        '  local path = "/api/v1/certificates/" .. numbers[math.random(#numbers)]\n'
        f"  return wrk.format(nil, path, {headers})\n"
        "end\n"
    )
    return script


def main() -> None:
    pinned = "--pin" in sys.argv
    arguments = [argument for argument in sys.argv[1:] if argument != "--pin"]
    seconds = int(arguments[0]) if arguments else 5
    count = int(arguments[1]) if len(arguments) > 1 else 10_000
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    server_url = os.environ.get("DATABASE_URL")
    filled = arguments[2] if len(arguments) > 2 else None
    print(f"machine load at the start (1, 5, 15 min): {load()}")
    with contextlib.ExitStack() as setup:
        folder = Path(setup.enter_context(tempfile.TemporaryDirectory()))
        if filled:
            url, numbers = filled, numbers_of(filled)
            print(f"{len(numbers)} certificates in {filled}")
        else:
            url = setup.enter_context(Database(server_url, folder, count))
            started = time.perf_counter()
            numbers = fill_database(url, count)
            engine = "PostgreSQL" if server_url else "SQLite"
            seconds_taken = time.perf_counter() - started
            print(f"{count} certificates written ({engine}) in {seconds_taken:.1f} s")
        env = {**os.environ, DB_ENV: url, LOG_ENV: str(folder / "lookups.log")}
        settings = f"gunicorn -w {WORKERS} sync, wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS}"
        print(
            f"{settings}, a {WARM_UP_SECONDS} s warm-up, then {ROUNDS} alternating rounds of"
            f" {seconds} s each, on 127.0.0.1"
        )
        postgres = url.startswith("postgres")
        global POSTMASTER
        POSTMASTER = postmaster_of(url) if postgres else 0
        if pinned:
            setup.enter_context(database_on_its_own_cores())
        # name: (gunicorn target, the database it reads, a cookie on every request)
        runs = {
            "JSON look-up": ("verify_api:verify_app()", url, False),
            "bare endpoint": ("verify_api:bare_app()", url, False),
            # the same server as the look-up: a cookie sends each look-up through Flask
            "look-up through Flask": ("verify_api:verify_app()", url, True),
            "bare endpoint + the read": ("verify_api:bare_read_app()", url, False),
        }
        scripts = {name: lua_script(folder, numbers, cookie) for name, (*_, cookie) in runs.items()}
        rates: dict[str, list[float]] = {name: [] for name in runs}
        ratios: dict[str, list[float]] = {name: [] for name in runs}
        lifetime = len(runs) * (ROUNDS * (seconds + 30) + WARM_UP_SECONDS + 30) + 60
        api_path = f"/api/v1/certificates/{numbers[1]}"
        with contextlib.ExitStack() as stack:
            servers: dict[tuple[str, str], Server] = {}
            for target, database, _cookie in runs.values():
                if (target, database) not in servers:
                    served = {**env, DB_ENV: database}
                    servers[target, database] = stack.enter_context(
                        Server(target, api_path, served, lifetime)
                    )
            by_run = {
                name: servers[target, database] for name, (target, database, _) in runs.items()
            }
            for name, server in by_run.items():  # not counted
                drive(server.base + "/", WARM_UP_SECONDS, scripts[name], name="warm-up")
            # Alternating rounds, so that a burst of other load on the machine hits all alike.
            # Both servers get the same random addresses from the same wrk script: wrk shares
            # the two cores, so its per-request work must weigh on both sides alike.
            for round_number in range(1, ROUNDS + 1):
                for name, server in by_run.items():
                    rates[name].append(drive(server.base + "/", seconds, scripts[name], name=name))
                for name in runs:
                    ratios[name].append(rates[name][-1] / rates["bare endpoint"][-1])
                print(
                    f"  round {round_number}: "
                    + " / ".join(f"{r[-1]:.0f}" for r in rates.values())
                    + f" requests/s, ratio {ratios['JSON look-up'][-1]:.2f}"
                )
        logged = sum(1 for _ in (folder / "lookups.log").open())
    medians = {name: statistics.median(values) for name, values in rates.items()}
    for name, rate in medians.items():
        machine, database, requests = CPU_SPENT[name]
        ratio, low, high = statistics.median(ratios[name]), min(ratios[name]), max(ratios[name])
        print(
            f"{name:32} {rate:7.0f} requests/s (median), ratio {ratio:.2f}"
            f" (rounds {low:.2f}-{high:.2f});"
            f" CPU per request: machine {machine / requests * 1e6:4.0f} us"
            + (f", PostgreSQL {database / requests * 1e6:3.0f} us" if POSTMASTER else "")
        )
    print(
        f"{logged} look-ups logged; goal: ratio >= {GOAL} for the JSON look-up (the median of"
        " the rounds' ratios)"
    )
    pairs = zip(rates["JSON look-up"], rates["bare endpoint + the read"], strict=True)
    with_read = [a / b for a, b in pairs]
    print(f"against the bare endpoint with the same read: {statistics.median(with_read):.2f}")
    print(f"machine load at the end (1, 5, 15 min): {load()} on {os.cpu_count()} cores")


def load() -> str:
    """The machine's load averages: a ratio measured beside other work is less sure."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
