"""A few seconds' memory of recent public look-ups, so that a burst of QR scans or API calls does
not run the same SELECT again and again.

Per process, like the rate-limit counter. Any flush in this process that touches a certificate,
its sites, its organisation or an audit forgets everything at once, so this worker never shows
an old status after its own change; other workers catch up within VERIFY_CACHE_SECONDS (and the
API lets HTTP caches keep an answer no longer than that). Unknown keys are never remembered: a
certificate issued a moment ago is found at once.
"""

from __future__ import annotations

import threading
import time
import weakref
from itertools import chain
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from certification.certificates.models import Certificate, CertificateSite
from certification.organisations.models import Organisation, Site
from certification.programme.models import Audit

WATCHED = (Certificate, CertificateSite, Organisation, Site, Audit)
MAX_ENTRIES = 10_000

_caches: weakref.WeakSet[LookupCache] = weakref.WeakSet()


class LookupCache:
    def __init__(self, seconds: float, clock=time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], tuple[float, Any]] = {}
        _caches.add(self)

    def get(self, key: tuple[str, str]) -> Any | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self._clock():
            return None
        return entry[1]

    def put(self, key: tuple[str, str], value: Any) -> None:
        if self.seconds <= 0 or value is None:
            return
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries = {}
            self._entries[key] = (self._clock() + self.seconds, value)

    def clear(self) -> None:
        with self._lock:
            self._entries = {}


@event.listens_for(Session, "after_flush")
def _forget_on_change(session: Session, _context) -> None:
    changed = chain(session.new, session.dirty, session.deleted)
    if any(isinstance(obj, WATCHED) for obj in changed):
        for cache in list(_caches):
            cache.clear()


@event.listens_for(Session, "do_orm_execute")
def _forget_on_bulk_change(orm_execute_state) -> None:
    """UPDATE and DELETE statements (a nightly sweep, say) change rows without a flush."""
    if orm_execute_state.is_update or orm_execute_state.is_delete:
        for cache in list(_caches):
            cache.clear()
