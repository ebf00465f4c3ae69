"""The HTML report in a real headless Chromium: it loads from file:// without console errors,
the rendered DOM holds one mark per error of the fixture with the right kind, focus shows a
mark's details, the system switch and the pages work, and a screenshot is not blank.

Chromium comes from Debian's ``chromium`` package (``.ci/run`` installs it). Without it these
tests are skipped with the reason, except in CI (``CI=true``), where a missing browser fails.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from report_fixture import EXPECTED_KINDS, reports

from toolkit.present.html import build_view, write_html
from toolkit.present.html.browser import Chromium, dump_dom, find_chromium, screenshot

if find_chromium() is None:
    if os.environ.get("CI") == "true":
        pytest.fail("CI: chromium is not installed (.ci/run should have installed it)",
                    pytrace=False)
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    systems, texts = reports()
    return write_html(tmp_path_factory.mktemp("report") / "report.html",
                      build_view(systems, texts, title="fixture report"))


@pytest.fixture(scope="module")
def browser(page):
    with Chromium(width=1280, height=900) as b:
        b.open(page.resolve().as_uri())
        yield b


MARKS_BY_KIND = """
(() => { const seen = {};
  document.querySelectorAll('.pair[data-system="0"] mark[data-m]')
    .forEach(m => { seen[m.dataset.m] = m.className.slice(2); });
  const counts = {}; Object.values(seen).forEach(k => { counts[k] = (counts[k] || 0) + 1; });
  return counts; })()
"""


def test_loads_from_file_without_console_errors(browser):
    assert browser.evaluate("location.protocol") == "file:"
    assert browser.evaluate("document.title") == "fixture report"
    assert browser.console_errors() == []


def test_one_mark_per_error_of_the_right_kind(browser):
    assert browser.evaluate(MARKS_BY_KIND) == EXPECTED_KINDS
    # the rendered marks are visible and their kinds differ in line style, not only colour
    styles = browser.evaluate("""Object.fromEntries([...document.querySelectorAll(
        '.pair[data-system="0"] .text[data-side="pred"] mark')].map(m =>
        [m.className, getComputedStyle(m).borderBottomStyle + ' ' + getComputedStyle(m).backgroundImage.slice(0, 24)]))""")
    assert len(set(styles.values())) == len(styles) == 5  # correct, 3 wrong kinds, spurious


def test_keyboard_focus_shows_gold_and_predicted_label_and_offsets(browser):
    active = "document.activeElement.className"
    for _ in range(40):  # Tab through links and buttons to the first marks
        browser.press_tab()
        if browser.evaluate(active) == "k-wrong_label":
            break
    assert browser.evaluate(active) == "k-wrong_label"
    tip = browser.evaluate("getComputedStyle(document.activeElement, '::after').content")
    assert "wrong label" in tip and "gold PERSON" in tip and "predicted ORG" in tip
    outline = browser.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_system_switch(browser):
    shown = """[...document.querySelectorAll('.doc .pair')].map(p => !p.hidden)"""
    assert browser.evaluate(shown) == [True, False]
    browser.evaluate("document.querySelector('button[data-show=\"1\"]').click()")
    assert browser.evaluate(shown) == [False, True]
    browser.evaluate("document.querySelector('button[data-show=\"all\"]').click()")
    assert browser.evaluate(shown) == [True, True]
    assert browser.console_errors() == []


def test_dump_dom_and_screenshot(page, tmp_path):
    dom = dump_dom(page)
    assert dom.count('class="k-spurious"') >= 1 and "system-one" in dom
    png = screenshot(page, tmp_path / "shot.png", width=1000, height=700)
    from PIL import Image

    with Image.open(png) as image:
        assert image.size == (1000, 700)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    # not blank: many colours (text, marks, tables), not one background
    assert colours is None or len(colours) > 50


def test_pages_of_documents(tmp_path):
    """Past the page size, documents come one page at a time and the pager moves through them."""
    from toolkit.schema import Prediction
    from toolkit.scoring import score

    systems, texts = reports()
    golds = [Prediction(doc_id=f"extra-{i}", mentions=[]) for i in range(4)]
    more = {**texts, **{g.doc_id: f"Document {g.doc_id}." for g in golds}}
    from report_fixture import GOLD, PRED

    report = score([GOLD, *golds], [PRED, *golds], more, n_resamples=0)
    page = write_html(tmp_path / "paged.html", build_view([("one", report)], more, page_size=2))
    with Chromium() as b:
        b.open(page.resolve().as_uri())
        b.evaluate("window.ecbenchReady")  # documents are unpacked asynchronously
        ids = "[...document.querySelectorAll('#doc-pages .doc')].map(d => d.dataset.doc)"
        assert b.evaluate(ids) == ["doc-a", "extra-0"]
        b.evaluate("document.querySelector('button[data-page=\"next\"]').click(); window.ecbenchReady")
        assert b.evaluate(ids) == ["extra-1", "extra-2"]
        assert "page 2 of 3" in b.evaluate("document.getElementById('page-status').textContent")
        assert b.evaluate(MARKS_BY_KIND.replace('.pair[data-system="0"] ', '')) == {}  # no marks
        b.evaluate("document.querySelector('a[data-goto=\"0\"]').click(); window.ecbenchReady")
        assert Counter(b.evaluate(MARKS_BY_KIND)) == Counter(EXPECTED_KINDS)
        assert b.console_errors() == []
