"""What a person does in the browser, in a few words each."""

from __future__ import annotations


def sign_in(page, email: str, password: str) -> None:
    """Sign in through the login form, as a person would."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def save_link(page, link):
    """Save what a link leads to, as "Download linked file" (Alt+click) does, and return the
    Playwright download. A PDF served inline would otherwise open in Chromium's viewer."""
    with page.expect_download() as download:
        link.click(modifiers=["Alt"])
    return download.value
