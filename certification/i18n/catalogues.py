"""The compiled catalogues (.mo) are built from the .po files, never committed: the app compiles
any that is missing or older than its .po when it starts, so what it speaks is what the .po says
on every checkout (`pybabel compile -d certification/translations` does the same by hand)."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

log = logging.getLogger(__name__)


def stale_catalogues(directory: Path) -> list[Path]:
    """The .po files under `directory` whose .mo is missing or older."""
    stale = []
    for po in sorted(Path(directory).glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po)
    return stale


def compile_catalogue(po: Path) -> Path:
    """Write po's .mo next to it, whole or not at all (several workers may start at once)."""
    with po.open("rb") as f:
        catalog = read_po(f, locale=po.parent.parent.name)
    mo = po.with_suffix(".mo")
    handle, temporary = tempfile.mkstemp(dir=mo.parent, prefix=".messages-", suffix=".mo")
    try:
        with os.fdopen(handle, "wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        os.replace(temporary, mo)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return mo


def compile_stale(directory: Path) -> list[Path]:
    """Compile every stale catalogue; one that cannot be written (a read-only install) is
    logged, and that language falls back to English until someone compiles it."""
    done = []
    for po in stale_catalogues(directory):
        try:
            done.append(compile_catalogue(po))
        except OSError as error:
            log.warning("cannot compile %s: %s", po, error)
    return done
