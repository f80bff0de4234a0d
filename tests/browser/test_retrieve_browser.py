"""Retrieve in Debian's Chromium: a hit's link opens the Coding page at its passage — scrolled into view in
the reader and outlined — even when the passage is far down a long transcript."""

import re

import pytest

from coder.demo import CORPUS
from coder.project import Project
from tests.browser.browsing import settle, shot, tagged_project

pytestmark = pytest.mark.browser

SOURCE = "20240110ZLM"
PHRASE = "前门那边在修路"  # in the transcript's last sentence: out of sight when the source opens


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    """A project holding one demo interview, tagged: its database URL."""
    return tagged_project(tmp_path_factory.mktemp("retrieve"), CORPUS / "interviews" / f"{SOURCE}.txt")


def test_a_hit_opens_the_coding_page_at_its_passage_in_view_and_outlined(page, server, database):
    from playwright.sync_api import expect

    project = Project.open(database)
    text, at = project.source(SOURCE)["text"], project.source(SOURCE)["text"].index(PHRASE)
    start, end = next((s, e) for s, e in project.units(SOURCE)["sentences"] if s <= at < e)
    sentence = text[start:end]

    page.goto(f"{server}/retrieve")
    expect(page.get_by_role("heading", name="检索")).to_be_visible(timeout=20_000)
    settle(page)
    search = page.get_by_label("在全部来源文本中查找")
    search.fill("修路")
    search.press("Enter")
    hit = page.locator('[data-testid="stText"]').filter(has_text="【修路】")
    expect(hit).to_have_count(1, timeout=20_000)
    settle(page)
    shot(page, "retrieve_search")

    page.get_by_role("link", name="在编码页打开").click()
    expect(page).to_have_url(re.compile(rf"/coding\?source={SOURCE}&start={start}&end={end}$"))
    page.wait_for_selector('[data-testid="qc-workbench"][data-ready="1"]', timeout=30_000)
    focus = page.locator('[data-testid="qc-reader"] .qc-focus')
    expect(focus.first).to_be_in_viewport(timeout=10_000)
    assert "".join(focus.all_text_contents()) == sentence  # exactly the passage, outlined
    assert focus.first.evaluate("s => getComputedStyle(s).outlineStyle") == "solid"
    reader = page.get_by_test_id("qc-reader")
    assert reader.evaluate("r => r.scrollTop") > 0  # the reader scrolled down to it
    inside = reader.evaluate(
        """(r) => { const box = r.getBoundingClientRect(), at = r.querySelector('.qc-focus').getBoundingClientRect();
                    return at.top >= box.top && at.bottom <= box.bottom; }"""
    )
    assert inside  # in view inside the reader, not only on the page
    assert page.locator('[data-testid="qc-reader"] .qc-focus').count() >= 1
    settle(page)
    shot(page, "coding_at_passage")
