"""Following a list's pager links the way a reader clicks them."""

from __future__ import annotations

import html
import re


def link(page: str, rel: str) -> str:
    """The address of the pager's link `rel` (next, prev, first, last) on an HTML page."""
    found = re.search(rf'<a rel="{rel}" href="([^"]+)"', page)
    assert found, f"no {rel} link"
    return html.unescape(found.group(1))
