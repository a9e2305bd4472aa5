"""The body's settings, editable by an admin; defaults live in settings/services.py."""

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from certification.extensions import db


class Setting(db.Model):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)
