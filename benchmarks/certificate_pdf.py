"""Time to build one certificate PDF: three sites in three scripts, a revision, the QR code.

Not a test: prints the median of N runs with reportlab's QR encoder (before), with zxing-cpp
(matrix made each time, and kept per address), and of a bare reportlab canvas
in the same run (the ratios to it), and the ratio to the 50 ms goal (issue 4); then the same
certificate with the body's letterhead (logo, signatory and signature, accreditation mark) and what
signing it (PAdES, pyHanko, a self-signed 2048-bit RSA key) adds (issue 11).

    uv run python benchmarks/certificate_pdf.py [runs]
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if os.environ.get("NO_RL_ACCEL"):  # reportlab's pure-Python fallbacks, as without rl-accel
    sys.modules["_rl_accel"] = None

from reportlab.graphics.barcode.qr import QrCode  # noqa: E402
from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from certification.certificates import pdf  # noqa: E402
from certification.certificates.pdf import Signatory, render_certificate_pdf  # noqa: E402
from certification.pdf_qr import qr_runs  # noqa: E402

GOAL_MS = 50
PEER_MS = 100


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
        accredited=True,
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


def median_ms(render, runs: int, before=None) -> float:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        render()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bare_canvas() -> bytes:
    """The floor: one A4 landscape page with one line of text from reportlab's canvas."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=landscape(A4))
    page.drawString(100, 500, "TR-10002-2026-00042-R1")
    page.showPage()
    page.save()
    return buffer.getvalue()


def old_qr_code(url: str, size: float = pdf.QR_SIZE) -> QrCode:
    """The QR code as drawn before: reportlab's own encoder, on every drawing."""
    return QrCode(url, width=size, height=size, qrLevel="M")


def png(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (29, 53, 87)).save(buffer, "PNG")
    return buffer.getvalue()


def letterhead_and_signing(cert, url: str, runs: int) -> None:
    """The certificate with the body's letterhead, and what signing it adds (issue 11)."""
    import tempfile

    from pyhanko.sign import signers

    from certification.signing import sign_pdf, write_self_signed

    def render() -> bytes:
        return render_certificate_pdf(
            cert,
            body_name="Anatolia Certification Body",
            body_address="Büyükdere Cad. No. 120, 34394 Şişli, İstanbul, Türkiye",
            verify_url=url,
            logo=png(300, 300),
            signatory=Signatory("Selin Aksoy", "Certification Manager", signature=png(400, 120)),
            accreditation_mark=png(200, 200),
        )

    body = render()
    drawn = median_ms(render, runs)
    share = drawn / GOAL_MS
    print(f"  with logo, signature, accreditation mark: {drawn:8.2f} ms ({share:.2f} of the goal)")
    key, pem = write_self_signed(Path(tempfile.mkdtemp()), "Benchmark body")
    signer = signers.SimpleSigner.load(str(key), str(pem))
    sign_pdf(body, signer, "warm-up", "Benchmark body")
    signing = median_ms(lambda: sign_pdf(body, signer, "Certificate", "Benchmark body"), runs)
    print(f"  signing adds: {signing:8.2f} ms")


def main(runs: int = 30) -> None:
    print(f"machine load (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    cert = certificate()
    url = "https://cert.example.test/verify/Zx3-abc_DEF0123456789xyzABCDEFGHIJ"

    def render() -> bytes:
        return render_certificate_pdf(
            cert,
            body_name="Anatolia Certification Body",
            body_address="Büyükdere Cad. No. 120, 34394 Şişli, İstanbul, Türkiye",
            verify_url=url,
        )

    size = len(render())  # warm-up: fonts registered once per process
    bare_canvas()
    new_qr = pdf.qr_code
    pdf.qr_code = old_qr_code
    before = median_ms(render, runs)
    pdf.qr_code = new_qr
    cold = median_ms(render, runs, before=qr_runs.cache_clear)
    warm = median_ms(render, runs)
    bare = median_ms(bare_canvas, runs)
    print(f"certificate PDF: {size / 1024:.0f} KiB, medians over {runs} runs")
    rows = (
        ("before: reportlab's QR encoder", before),
        ("zxing-cpp, matrix not kept", cold),
        ("zxing-cpp, matrix kept (same address)", warm),
        ("bare reportlab canvas, one line", bare),
    )
    for label, ms in rows:
        print(f"  {label:<36} {ms:8.2f} ms   {ms / bare:6.1f}x the bare canvas")
    print(
        f"  drawn: {before / cold:.2f}x faster (zxing-cpp), {before / warm:.2f}x (matrix kept); "
        f"goal {GOAL_MS} ms: {cold / GOAL_MS:.2f} of it (a new certificate, matrix not kept)"
    )
    print(
        f"  against the peer's {PEER_MS} ms (Django + WeasyPrint, issue 14's side-by-side run; "
        f"not installed here): {PEER_MS / cold:.1f}x (goal 5x)"
    )
    letterhead_and_signing(cert, url, runs)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
