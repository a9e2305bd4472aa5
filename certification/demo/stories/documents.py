"""The body's documents in the demo: signed, with a signatory, and a file to check.

Before any certificate is issued, the demo gives the body what a real one configures: a signing
key and certificate (here self-signed, written to instance/signing unless SIGNING_KEY/
SIGNING_CERT or SIGNING_PKCS12 name the body's own) so that every certificate and every
submitted report is a PAdES-signed PDF, and the certificates' signatory (Administration >
Settings). Ha Long Supermarkets' first certificate, superseded by revision 1 in
stories/certificates.py, is the file to try on the verification page: "genuine, but superseded".
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from certification.admin.settings_services import update_settings
from certification.signing import SIGNER, demo_folder, write_self_signed

SIGNATORY = {
    "certificate_signatory_name": "Selin Aksoy",
    "certificate_signatory_role": "Certification Manager / Belgelendirme Müdürü",
}


def prepare(staff) -> Path | None:
    """The signatory in the settings and a self-signed key pair; returns the pair's folder when
    the demo made one (none when the body's own key is configured)."""
    update_settings(staff["admin@demo.test"], dict(SIGNATORY))
    config = current_app.config
    if config.get("SIGNING_PKCS12") or (config.get("SIGNING_KEY") and config.get("SIGNING_CERT")):
        return None
    folder = demo_folder(current_app)
    if not (folder / "key.pem").exists():
        write_self_signed(folder, f"{config['BODY_NAME']} (demonstration, self-signed)")
    current_app.extensions.pop(SIGNER, None)  # the signer is loaded anew, with this key
    return folder
