"""The report as a user sees it: rendered by Debian's headless chromium, driven by playwright.

``.ci/run`` installs chromium when it is missing; the test is skipped only where there is no
chromium at all. Playwright drives the system browser (``executable_path``), so nothing is
downloaded.
"""

from __future__ import annotations

import json
import re
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


#: What the page shows, measured in the browser: year cells, text, section order and sizes.
LAYOUT_JS = """() => {
  const main = document.querySelector('main').getBoundingClientRect();
  const repro = document.querySelector('#reproduce');
  return {
    years: Array.from(document.querySelectorAll('.year')).map(e => e.textContent),
    text: document.body.innerText,
    sections: Array.from(document.querySelectorAll('main > section')).map(s => s.id),
    built: Array.from(document.querySelectorAll('main > section')).length - 3,
    repro_height: repro.getBoundingClientRect().height,
    repro_groups: repro.querySelectorAll('details').length,
    repro_commands: repro.querySelectorAll('details li').length,
    page_width: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    overflowing: Array.from(document.querySelectorAll('main .scroll, main figure'))
      .filter(e => e.getBoundingClientRect().right > main.right + 1).length,
  };
}"""


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
            layout = page.evaluate(LAYOUT_JS)
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    return {
        "url": page_url,
        "errors": errors,
        "requests": requests,
        "images": images,
        "verdicts": verdicts,
        "layout": layout,
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


def test_years_print_without_thousands_separators(rendered: dict[str, Any]) -> None:
    layout = rendered["layout"]
    # the walls table and the year claims: 2030.4 [2028.1, 2033.2], never 2,030.4
    assert len(layout["years"]) >= 6
    for text in layout["years"]:
        assert re.fullmatch(r"20\d\d\.\d( \[20\d\d\.\d, 2[01]\d\d\.\d\])?", text), text
    assert not re.search(r"\b2,0\d\d\.\d\b", layout["text"])  # anywhere on the page


def test_claims_table_first_and_reproduce_section_compact(rendered: dict[str, Any]) -> None:
    layout = rendered["layout"]
    assert layout["sections"][0] == "claims-check" and layout["sections"][-1] == "reproduce"
    # one folded group per built section; every command listed once inside them
    assert layout["repro_groups"] == layout["built"]
    assert layout["repro_commands"] >= layout["built"]
    # folded, the section is a heading, one paragraph and a line per group (it was ~10,000 px)
    assert layout["repro_height"] < 200 + 45 * layout["repro_groups"]


def test_tables_and_figures_fit_the_page_column(rendered: dict[str, Any]) -> None:
    layout = rendered["layout"]
    assert layout["page_width"] <= layout["viewport"]  # no sideways scrolling of the page
    assert layout["overflowing"] == 0  # a wide table scrolls inside its own box
