"""Signing PDFs as PAdES documents with the body's key (pyHanko), when one is configured.

Configuration (environment, read in config.py): SIGNING_KEY and SIGNING_CERT (PEM files, the
key's password in SIGNING_KEY_PASSWORD), or SIGNING_PKCS12 with SIGNING_PKCS12_PASSWORD. Without
them, key.pem and cert.pem in SIGNING_DEMO_FOLDER (default instance/signing) are used if present
(`flask demo` writes a self-signed pair there); else documents are not signed. A reader that
trusts the certificate shows the signature as valid, which proves the file is unchanged.
"""

from __future__ import annotations

import datetime
import io
import logging
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)
SIGNER = "pdf_signer"
RESERVED = 16 * 1024  # room for the signature container: no trial signing to measure it


def signer_for(app=None):
    """The app's pyHanko signer, loaded once; None when no key is configured."""
    app = app or current_app
    if SIGNER not in app.extensions:
        app.extensions[SIGNER] = _load(app.config, demo_folder(app))
    return app.extensions[SIGNER]


def demo_folder(app) -> Path:
    """Where `flask demo` writes its self-signed pair (SIGNING_DEMO_FOLDER, else
    instance/signing): the key used when none is configured."""
    return Path(app.config.get("SIGNING_DEMO_FOLDER") or Path(app.instance_path) / "signing")


def _load(config, demo: Path):
    from pyhanko.sign import signers

    key, cert = config.get("SIGNING_KEY"), config.get("SIGNING_CERT")
    pkcs12 = config.get("SIGNING_PKCS12")
    if pkcs12:
        password = (config.get("SIGNING_PKCS12_PASSWORD") or "").encode() or None
        return signers.SimpleSigner.load_pkcs12(pkcs12, passphrase=password)
    if not (key and cert):
        if (demo / "key.pem").exists() and (demo / "cert.pem").exists():
            key, cert = str(demo / "key.pem"), str(demo / "cert.pem")
    if not (key and cert):
        return None
    password = (config.get("SIGNING_KEY_PASSWORD") or "").encode() or None
    return signers.SimpleSigner.load(key, cert, key_passphrase=password)


def sign_pdf(data: bytes, signer, reason: str, name: str) -> bytes:
    """The PDF with an invisible PAdES signature appended (an incremental update)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(
        field_name="Signature",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        name=name,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    pdf_signer = signers.PdfSigner(meta, signer=signer)
    return outside_event_loop(
        lambda: pdf_signer.sign_pdf(writer, bytes_reserved=RESERVED).getvalue()
    )


def outside_event_loop(work):
    """pyHanko's sign_pdf runs its own asyncio loop, which fails in a thread that already runs
    one (a certificate issued from code driven by Playwright's sync API, an async worker):
    there the work runs on a thread of its own."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


def signed(data: bytes, reason: str, name: str, app=None) -> tuple[bytes, bool]:
    """(bytes, signed?): signed when a key is configured, else the bytes as they are."""
    signer = signer_for(app)
    if signer is None:
        return data, False
    return sign_pdf(data, signer, reason, name), True


def write_self_signed(folder: Path, common_name: str, years: int = 5) -> tuple[Path, Path]:
    """A key and a self-signed certificate for demonstrations (never for a real body)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    folder.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / "key.pem", folder / "cert.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path
