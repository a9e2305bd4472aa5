"""Every setting and its default, read from the environment in this one place."""

import os
import secrets
from pathlib import Path

from certification.i18n import local_time
from certification.i18n.languages import LANGUAGES


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else generated once and kept in the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(instance_path: str) -> dict:
    instance = Path(instance_path)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'certification.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    return {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", str(instance / "uploads")),
        # 25 MiB per request; each upload is also checked against UPLOAD_MAX_BYTES.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 25 * 1024 * 1024)),
        "UPLOAD_MAX_BYTES": int(os.environ.get("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)),
        # Public look-ups per client address.
        "RATE_LIMIT_VERIFY": os.environ.get("RATE_LIMIT_VERIFY", "60/minute"),
        # Rate-limit counters: per process by default; a shared store (redis://host:6379) when
        # several app servers run. Sign-in: failed attempts per account and per address.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "LOGIN_LIMIT_ACCOUNT": os.environ.get("LOGIN_LIMIT_ACCOUNT", "10/15 minutes"),
        "LOGIN_LIMIT_ADDRESS": os.environ.get("LOGIN_LIMIT_ADDRESS", "50/15 minutes"),
        # Fernet keys sealing two-factor secrets (comma-separated, the first seals; empty: a key
        # derived from SECRET_KEY). See accounts/sealing.py and the README's production section.
        "TWO_FACTOR_KEYS": os.environ.get("TWO_FACTOR_KEYS", ""),
        # Single-use links to set a password: an invitation, a reset.
        "INVITATION_LINK_DAYS": int(os.environ.get("INVITATION_LINK_DAYS", 7)),
        "RESET_LINK_HOURS": int(os.environ.get("RESET_LINK_HOURS", 24)),
        # Behind a reverse proxy: how many proxies set X-Forwarded-For (0: none, the default).
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", 0)),
        # An offline checklist workbook (one row per question) is far smaller than this.
        "WORKBOOK_MAX_BYTES": int(os.environ.get("WORKBOOK_MAX_BYTES", 5 * 1024 * 1024)),
        "BABEL_DEFAULT_LOCALE": "en",
        # Where the body works: the day a stored (UTC) moment falls on, the times shown.
        "BABEL_DEFAULT_TIMEZONE": local_time.zone_name(os.environ.get("BODY_TIMEZONE")),
        "LANGUAGES": dict(LANGUAGES),
        "PAGE_SIZE": 20,
        # Served over HTTPS (production): the session cookie is Secure and HSTS is sent.
        "HTTPS": os.environ.get("HTTPS", "").lower() in ("1", "true", "yes", "on"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Links in e-mails and calendar feeds are absolute: the address people open the app at.
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000"),
        # Outgoing e-mail. With no MAIL_SERVER, messages wait in the outbox (the admin sees them).
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 25)),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "certification@localhost"),
        "BODY_NAME": os.environ.get("BODY_NAME", "Anatolia Certification Body"),
        # The address the public reaches the app at (QR codes printed on PDFs made outside a
        # request, e.g. by the demo); inside a request the request's own address is used.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", ""),
        # Signing PDFs (certification/signing.py): PEM key and certificate, or a PKCS#12 file.
        "SIGNING_KEY": os.environ.get("SIGNING_KEY", ""),
        "SIGNING_CERT": os.environ.get("SIGNING_CERT", ""),
        "SIGNING_KEY_PASSWORD": os.environ.get("SIGNING_KEY_PASSWORD", ""),
        "SIGNING_PKCS12": os.environ.get("SIGNING_PKCS12", ""),
        "SIGNING_PKCS12_PASSWORD": os.environ.get("SIGNING_PKCS12_PASSWORD", ""),
        # Where `flask demo` writes a self-signed pair, used when nothing above is set.
        "SIGNING_DEMO_FOLDER": os.environ.get("SIGNING_DEMO_FOLDER", ""),
        "BODY_ADDRESS": os.environ.get(
            "BODY_ADDRESS", "Büyükdere Cad. No. 120, 34394 Şişli, İstanbul, Türkiye"
        ),
    }
