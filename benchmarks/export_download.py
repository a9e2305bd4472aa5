"""The staff download of a large workbook: before (written whole to a temporary file inside the
request, then sent) and now (streamed while it is written), over the same database.

Not a test: fills a temporary SQLite file with N certificates (default 50,000; two sites each,
benchmarks/export_register.py's fill), then as a planner downloads /exports/register.xlsx and
/exports/certsearch.xlsx through the test client and prints, for each way, the time to the
first byte, the total time and the peak Python memory (tracemalloc, a second run), and the
ratios. The old way is rebuilt here from its code: openpyxl saving the workbook (each sheet
through a temporary file of its own) into a temporary file, which is then sent.

    uv run python benchmarks/export_download.py [certificates]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Response  # noqa: E402

from benchmarks.export_register import fill  # noqa: E402
from certification import create_app  # noqa: E402
from certification.exports import XLSX_MIMETYPE  # noqa: E402
from certification.exports import certsearch as certsearch_module  # noqa: E402
from certification.exports import register as register_module  # noqa: E402
from certification.exports import views as export_views  # noqa: E402
from certification.exports.certsearch import write_certsearch  # noqa: E402
from certification.exports.register import write_register  # noqa: E402
from certification.exports.streaming import StreamedWorkbook  # noqa: E402
from certification.extensions import db  # noqa: E402
from tests import factories  # noqa: E402

WRITERS = {"register": write_register, "certsearch": write_certsearch}
MIB = 2**20


def old_send(write, download_name: str) -> Response:
    """The view's code before: the whole workbook into a temporary file, then sent in blocks."""
    spool = tempfile.TemporaryFile()
    write(spool)
    size = spool.tell()
    spool.seek(0)
    response = Response(_blocks(spool), mimetype=XLSX_MIMETYPE)
    response.headers["Content-Length"] = str(size)
    return response


def _blocks(spool):
    with spool:
        while block := spool.read(64 * 1024):
            yield block


def download(client, url: str) -> tuple[float, float, int]:
    """(seconds to the first byte, seconds in all, bytes) of one download."""
    started = time.perf_counter()
    response = client.get(url, buffered=False)
    first, size = None, 0
    for block in response.response:
        if block and first is None:
            first = time.perf_counter() - started
        size += len(block)
    response.close()
    return first or 0.0, time.perf_counter() - started, size


def measure(client, url: str) -> dict:
    first, total, size = download(client, url)
    tracemalloc.start()
    download(client, url)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"first": first, "total": total, "peak": peak / MIB, "size": size / MIB}


class OldBook:
    """openpyxl's own write-only saving, as before: every sheet into a temporary file of its
    own, zipped into the target when the workbook is saved."""

    def __init__(self, workbook, target) -> None:
        self.workbook, self.target = workbook, target

    def start(self, sheet) -> None:
        pass

    def save(self) -> None:
        self.workbook.save(self.target)


def with_old_view(name: str):
    """Route the view's `_send` through the old code for one measurement."""
    writer = WRITERS[name]
    return lambda _steps, download_name: old_send(writer, download_name)


def old_way(on: bool) -> None:
    for module in (register_module, certsearch_module):
        module.StreamedWorkbook = OldBook if on else StreamedWorkbook


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    print(f"machine load (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "benchmark",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/benchmark.db",
                "UPLOAD_FOLDER": folder,
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            fill(count)
            planner = factories.user(role="planner")
            db.session.commit()
            user_id = planner.get_id()
            print(f"{count} certificates inserted in {time.perf_counter() - started:.2f} s")
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = user_id, True
        streamed_send = export_views._send
        for name in WRITERS:
            url = f"/exports/{name}.xlsx"
            export_views._send = with_old_view(name)
            old_way(True)
            before = measure(client, url)
            export_views._send = streamed_send
            old_way(False)
            after = measure(client, url)
            report(name, before, after)
        with app.app_context():
            db.engine.dispose()


def report(name: str, before: dict, after: dict) -> None:
    print(f"\n{name}.xlsx ({after['size']:.1f} MiB)      before (file, then sent)   now (streamed)")
    print(f"  first byte           {before['first']:10.2f} s {after['first']:18.3f} s")
    print(f"  whole download       {before['total']:10.2f} s {after['total']:18.2f} s")
    print(f"  peak Python memory   {before['peak']:8.1f} MiB {after['peak']:16.1f} MiB")
    ratio = before["first"] / after["first"] if after["first"] else float("inf")
    print(
        f"  first byte {ratio:.0f}x sooner; whole download {after['total'] / before['total']:.2f}x "
        f"the time; memory {after['peak'] / before['peak']:.2f}x"
    )


if __name__ == "__main__":
    main()
