"""PDFs kept in memory while what they are drawn from is unchanged.

The key is a digest of every column of the objects a document is drawn from, plus the other
inputs (the body's name, the address in the QR code, the language): any change to any of them
makes a new key, so a kept PDF can never show an old state (a suspended certificate, a renamed
client). Nothing is invalidated by hand. The cache is per process and bounded in bytes; the
oldest-used PDFs leave first.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

from sqlalchemy import inspect

LIMIT_BYTES = 32 * 2**20


class PdfCache:
    def __init__(self, limit_bytes: int = LIMIT_BYTES) -> None:
        self.limit = limit_bytes
        self._kept: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: str, render: Callable[[], bytes]) -> bytes:
        with self._lock:
            pdf = self._kept.get(key)
            if pdf is not None:
                self._kept.move_to_end(key)
                self.hits += 1
                return pdf
            self.misses += 1
        pdf = render()  # outside the lock: two first requests may both draw, neither waits
        with self._lock:
            if key not in self._kept and len(pdf) <= self.limit:
                self._kept[key] = pdf
                self._size += len(pdf)
                while self._size > self.limit:
                    _old, dropped = self._kept.popitem(last=False)
                    self._size -= len(dropped)
        return pdf

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._size = 0


def content_key(kind: str, objects: Iterable[object], *inputs: object) -> str:
    """A digest of every column value of `objects` (None for a missing one) and `inputs`."""
    digest = hashlib.sha256(kind.encode())
    for obj in objects:
        if obj is None:
            digest.update(b"\x00none")
            continue
        state = inspect(obj)
        values = [(a.key, getattr(obj, a.key)) for a in state.mapper.column_attrs]
        digest.update(repr((state.mapper.class_.__name__, values)).encode())
    digest.update(repr(inputs).encode())
    return digest.hexdigest()


pdfs = PdfCache()
