"""The admin sees a chosen logo before uploading it, and the stored one after."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 40), (30, 60, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_chosen_logo_is_previewed_before_and_after_upload(page, seed):
    with seed():
        factories.user("admin", email="admin@example.test")
    sign_in(page, "admin@example.test", factories.PASSWORD)
    page.goto("/admin/settings#letterhead")
    chosen = page.locator("#preview-body_logo")
    expect(chosen).to_be_hidden()
    page.get_by_label("The body's logo (PNG or JPEG)").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": png()}
    )
    expect(chosen).to_be_visible()
    assert chosen.get_by_role("img").get_attribute("src").startswith("data:image/png")
    page.get_by_role("button", name="Save the images").click()
    expect(page.get_by_text("The images were saved.")).to_be_visible()
    stored = page.get_by_role("img", name="The stored image")
    expect(stored).to_be_visible()
    width = stored.evaluate("img => img.naturalWidth")
    assert width == 80  # the stored image loads (through the admin-only route), not a broken icon
