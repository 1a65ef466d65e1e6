"""The report as a user sees it: rendered by Debian's headless chromium, driven by playwright.

``.ci/run`` installs chromium when it is missing; the test is skipped only where there is no
chromium at all. Playwright drives the system browser (``executable_path``), so nothing is
downloaded.
"""

from __future__ import annotations

import json
import shutil
from typing import Any

import numpy as np
import pytest

from scalewall.report.html import VERDICTS

CHROMIUM = shutil.which("chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed")


@pytest.fixture(scope="module")
def rendered(quick_demo: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Open report.html in headless chromium; record console errors, requests, DOM facts."""
    from playwright.sync_api import sync_playwright

    assert quick_demo.exit_code == 0, quick_demo.stderr
    page_url = (quick_demo.folder / "report.html").resolve().as_uri()
    shot = tmp_path_factory.mktemp("browser") / "report.png"
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_url, wait_until="load")
            images = page.evaluate(
                "Array.from(document.images).map(i => ({complete: i.complete,"
                " width: i.naturalWidth, shown: i.getBoundingClientRect().width}))"
            )
            verdicts = page.eval_on_selector_all(
                "#claims tbody tr", "rows => rows.map(r => r.dataset.verdict)"
            )
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    return {
        "url": page_url,
        "errors": errors,
        "requests": requests,
        "images": images,
        "verdicts": verdicts,
        "screenshot": shot,
        "figures": quick_demo.folder / "figures",
        "claims": json.loads((quick_demo.folder / "claims.json").read_text()),
    }


def test_no_console_errors(rendered: dict[str, Any]) -> None:
    assert rendered["errors"] == []


def test_no_network_requests(rendered: dict[str, Any]) -> None:
    """The only request is the file itself: CSS and figures are inline."""
    assert rendered["requests"] == [rendered["url"]]


def test_every_image_loads(rendered: dict[str, Any]) -> None:
    images = rendered["images"]
    assert len(images) == len(list(rendered["figures"].glob("*.svg")))
    for img in images:
        assert img["complete"] and img["width"] > 0 and img["shown"] > 100, img


def test_claims_table_has_all_twenty_rows(rendered: dict[str, Any]) -> None:
    verdicts = rendered["verdicts"]
    assert len(verdicts) == 20 and set(verdicts) <= set(VERDICTS)
    assert verdicts == [c["verdict"] for c in rendered["claims"]]


def test_screenshot_is_not_blank(rendered: dict[str, Any]) -> None:
    from matplotlib.image import imread

    px = imread(rendered["screenshot"])[..., :3]
    assert px.shape[0] > 2000 and px.shape[1] == 1280  # the full page, not just the viewport
    rgb = np.round(px * 255).astype(np.int32)
    colours = np.unique((rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2])
    assert colours.size > 50  # text, tables, badges and figures, not one flat colour
    non_white = np.any(px < 0.95, axis=-1).mean()
    assert 0.02 < non_white < 0.9
