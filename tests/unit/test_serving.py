"""The app as a server loads it (app.py: gunicorn, flask) has its start-up objects frozen, so a
full garbage collection walks only what requests make (certification/serving.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json
import app
walked = len(gc.get_objects())
gc.collect()
print(json.dumps({"frozen": gc.get_freeze_count(), "walked": walked}))
"""


def test_the_served_app_leaves_its_start_up_objects_out_of_full_collections(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
        "SECRET_KEY": "serving-test",
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    assert figures["frozen"] > 100_000  # the app, its models, translations and fonts
    assert figures["walked"] < figures["frozen"] / 20  # what a full collection still walks
