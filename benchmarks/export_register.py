"""Time and peak memory to write the certificate register and the CertSearch workbook.

Not a test: fills a temporary SQLite file with N certificates (default 10,000; two sites and
two surveillance audits each) by bulk insert, then writes each workbook once to measure time
and once more under tracemalloc to measure the peak Python memory.

    uv run python benchmarks/export_register.py [certificates]
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from certification import create_app  # noqa: E402
from certification.certificates.models import Certificate, CertificateSite  # noqa: E402
from certification.exports.certsearch import write_certsearch  # noqa: E402
from certification.exports.register import write_register  # noqa: E402
from certification.extensions import db  # noqa: E402
from certification.organisations.models import Organisation  # noqa: E402
from certification.programme.models import Audit, Cycle  # noqa: E402
from certification.workflow import certificate_expiry  # noqa: E402
from tests import factories  # noqa: E402

STATES = ("active",) * 6 + ("suspended", "withdrawn", "expired", "superseded")
START = date(2023, 1, 2)


def fill(count: int) -> None:
    """`count` organisations, cycles and certificates, all by executemany."""
    template = factories.cycle()  # an application and a quote for the cycles to point at
    db.session.execute(
        insert(Organisation),
        [
            {
                "id": 1000 + n,
                "legal_name": f"Örnek Müşteri Hizmetleri A.Ş. {n}",
                "english_name": f"Example Customer Services {n}",
                "trading_name": f"Example {n}",
                "country": ("TR", "GE", "VN", "AZ")[n % 4],
                "city": "İstanbul",
                "address": f"Atatürk Cad. {n}",
                "sector_code": "29",
                "effective_personnel": 40,
            }
            for n in range(count)
        ],
    )
    db.session.execute(
        insert(Cycle),
        [
            {
                "id": 1000 + n,
                "organisation_id": 1000 + n,
                "application_id": template.application_id,
                "quote_id": template.quote_id,
                "scheme": "iso10002",
                "edition": "2018",
                "decision_date": START + timedelta(days=n % 700),
            }
            for n in range(count)
        ],
    )
    certificates = []
    for n in range(count):
        issued = START + timedelta(days=n % 700)
        certificates.append(
            {
                "id": 1000 + n,
                "number": f"TR-{issued.year}-{n:05d}",
                "token": f"token-{n:08d}",
                "organisation_id": 1000 + n,
                "cycle_id": 1000 + n,
                "scheme": "iso10002",
                "edition": "2018",
                "scope": "Handling of customer complaints for retail, call centre and online sales",
                "state": STATES[n % len(STATES)],
                "accreditation_id": None,
                "confidential": n % 17 == 0,
                "issued_on": issued,
                "original_issued_on": issued,
                "expires_on": certificate_expiry(issued),
            }
        )
    db.session.execute(insert(Certificate), certificates)
    db.session.execute(
        insert(CertificateSite),
        [
            {
                "certificate_id": 1000 + n,
                "name": "Head office" if site == 0 else f"Branch {site}",
                "address": f"Cadde {n}",
                "city": "İzmir",
                "country": "TR",
                "scope": "Call centre",
                "is_head_office": site == 0,
            }
            for n in range(count)
            for site in range(2)
        ],
    )
    db.session.execute(
        insert(Audit),
        [
            {
                "organisation_id": 1000 + n,
                "cycle_id": 1000 + n,
                "kind": f"surveillance{number}",
                "state": "planned",
                "due_by": START + timedelta(days=n % 700 + 365 * number),
            }
            for n in range(count)
            for number in (1, 2)
        ],
    )
    db.session.commit()


def measure(label: str, write, target: Path) -> None:
    started = time.perf_counter()
    write(target)
    seconds = time.perf_counter() - started
    size = target.stat().st_size
    tracemalloc.start()
    write(target)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    mib = 2**20
    print(f"{label:<22} {seconds:6.2f} s   peak {peak / mib:6.1f} MiB   {size / mib:5.1f} MiB file")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "benchmark",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/benchmark.db",
                "UPLOAD_FOLDER": folder,
            }
        )
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            fill(count)
            print(f"{count} certificates inserted in {time.perf_counter() - started:.2f} s")
            measure("register workbook", write_register, Path(folder) / "register.xlsx")
            measure("CertSearch workbook", write_certsearch, Path(folder) / "certsearch.xlsx")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
