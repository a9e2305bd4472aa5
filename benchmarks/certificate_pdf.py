"""Time to build one certificate PDF: three sites in three scripts, a revision, the QR code.

Not a test: prints the median of N runs and its ratio to the 50 ms goal (issue 4), then the same
certificate with the body's letterhead (logo, signatory and signature, accreditation mark) and what
signing it (PAdES, pyHanko, a self-signed 2048-bit RSA key) adds (issue 11).

    uv run python benchmarks/certificate_pdf.py [runs]
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from certification.certificates.pdf import Signatory, render_certificate_pdf  # noqa: E402

GOAL_MS = 50


def certificate() -> SimpleNamespace:
    """A certificate as the PDF reads it (the PDF touches no database)."""
    sites = [
        SimpleNamespace(
            name=name, address=address, city=city, country=country, scope=scope, is_head_office=head
        )
        for name, address, city, country, scope, head in (
            ("Merkez", "Büyükdere Cad. 120", "İstanbul", "TR", "Complaints desk", True),
            ("Склад", "ул. Ленина, 10", "Москва", "RU", "Call centre", False),
            ("ფილიალი", "რუსთაველის გამზირი 12", "თბილისი", "GE", "", False),
        )
    ]
    return SimpleNamespace(
        number="TR-10002-2026-00042-R1",
        revision=1,
        supersedes=SimpleNamespace(number="TR-10002-2026-00042", revision=0),
        scheme="iso10002",
        edition="2018",
        scope="Handling of customer complaints for retail and online services",
        state="active",
        accreditation=SimpleNamespace(accreditation_body="TÜRKAK", number="AB-0123"),
        band="",
        issued_on=date(2026, 9, 1),
        original_issued_on=date(2026, 3, 15),
        expires_on=date(2029, 3, 14),
        organisation=SimpleNamespace(
            legal_name="Güneş Müşteri Hizmetleri A.Ş.",
            english_name="Sun Customer Services Inc.",
            address="Büyükdere Cad. 120",
            city="İstanbul",
            country="TR",
        ),
        sites=sites,
    )


def png(width: int, height: int) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (29, 53, 87)).save(buffer, "PNG")
    return buffer.getvalue()


def timed(label: str, make, runs: int) -> bytes:
    body = make()  # warm-up: fonts registered, images read once per process
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        make()
        times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)
    print(
        f"{label}: {len(body) / 1024:.0f} KiB, median {median:.1f} ms over {runs} runs "
        f"(goal {GOAL_MS} ms: {median / GOAL_MS:.2f} of it)"
    )
    return body


def main(runs: int = 30) -> None:
    import tempfile

    from pyhanko.sign import signers

    from certification.signing import sign_pdf, write_self_signed

    cert = certificate()
    common = dict(
        body_name="Anatolia Certification Body",
        body_address="Büyükdere Cad. No. 120, 34394 Şişli, İstanbul, Türkiye",
        verify_url="https://cert.example.test/verify/Zx3-abc_DEF0123456789xyzABCDEFGHIJ",
    )
    letterhead = dict(
        logo=png(300, 300),
        signatory=Signatory("Selin Aksoy", "Certification Manager", signature=png(400, 120)),
        accreditation_mark=png(200, 200),
    )
    timed("certificate PDF", lambda: render_certificate_pdf(cert, **common), runs)
    body = timed(
        "with logo, signature, accreditation mark",
        lambda: render_certificate_pdf(cert, **common, **letterhead),
        runs,
    )
    key, pem = write_self_signed(Path(tempfile.mkdtemp()), "Benchmark body")
    signer = signers.SimpleSigner.load(str(key), str(pem))
    sign_pdf(body, signer, "warm-up", "Benchmark body")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        sign_pdf(body, signer, "Certificate", "Benchmark body")
        times.append((time.perf_counter() - start) * 1000)
    print(f"signing adds: median {statistics.median(times):.1f} ms over {runs} runs")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
