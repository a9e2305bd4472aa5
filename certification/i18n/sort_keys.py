"""Rebuilding the stored ICU sort keys (organisations' and people's `name_key_<language>`).

The keys are kept by the models' listeners whenever a name changes; they go stale only when the
collation itself changes: a newer ICU (PyICU) with other CLDR rules, or a new interface language
whose column is still empty. Then the lists would page in the old order, so after such an
upgrade an operator runs `flask --app app search rebuild-sort-keys` (idempotent: a second run
changes nothing).
"""

from __future__ import annotations

from sqlalchemy import bindparam, select

from certification.accounts.models import User
from certification.extensions import db
from certification.i18n.collation import name_key
from certification.i18n.languages import LANGUAGES
from certification.organisations.models import Organisation

# model -> the name its keys are made of
NAMED = ((Organisation, "legal_name"), (User, "name"))


def rebuild_sort_keys() -> dict[str, int]:
    """Recompute every stored sort key; write only the rows whose keys differ. Returns the
    number of rows changed per table. Flushes, does not commit; the names are left as they
    are (written in SQL, past the listeners: nobody edited the row)."""
    return {model.__tablename__: _rebuild(model.__table__, name) for model, name in NAMED}


def _rebuild(table, name: str) -> int:
    keys = [f"name_key_{code}" for code in LANGUAGES]
    rows = db.session.execute(select(table.c.id, table.c[name], *(table.c[k] for k in keys)))
    stale = []
    for row in rows.all():
        wanted = {key: name_key(row[1], code) for key, code in zip(keys, LANGUAGES, strict=True)}
        if any(bytes(row[i + 2] or b"") != wanted[key] for i, key in enumerate(keys)):
            stale.append({"row_id": row[0], **wanted})
    if stale:
        update = (
            table.update()
            .where(table.c.id == bindparam("row_id"))
            .values({key: bindparam(key) for key in keys})
        )
        db.session.execute(update, stale)
    db.session.flush()
    return len(stale)
