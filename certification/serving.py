"""A process about to serve requests keeps what it has made so far out of the garbage
collector's full sweeps.

After start-up a worker holds some 220,000 objects that live as long as it does: the app, the
mapped models and compiled statements, the translations, reportlab's fonts. Python's full
collection walks all of them whenever enough new objects have survived the younger
generations: 175-220 ms on a two-core machine, a pause charged to whichever request happens to
be running (benchmarks/scale.py at 50,000 certificates saw p95s of 200-300 ms on pages whose
median is 25-90 ms). gc.freeze() moves them to a permanent generation the collector never walks;
what requests make is collected as before.
"""

from __future__ import annotations

import gc


def freeze_start_up() -> int:
    """Collect the garbage of start-up, then freeze what is left; the number of objects frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
