"""Charts and navigation as Debian's Chromium draws them at 1400 px: every bar has its own whole, visible label
(no "…", none hidden, none overlapping), the legend names the dimensions, the navigation shows Material icons.

Vega draws into SVG here: each axis label is a <text> (Vega hides a label it drops with opacity 0), each bar
a mark whose aria-label lists its tooltip fields."""

import re
from itertools import pairwise

import pytest

from coder.codebook import load
from coder.demo import CODEBOOK, CORPUS
from tests.browser.browsing import ARTIFACTS, settle, shot, tagged_project

pytestmark = pytest.mark.browser
CHART = '[data-testid="stVegaLiteChart"]'
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u26ff\ufe0f]")
MEASURE = """(chart) => {
    const svg = chart.querySelector("svg.marks");
    const box = (e) => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
    const axis = [...svg.querySelectorAll("g.role-axis")].find((g) => (g.getAttribute("aria-label") || "").startsWith("Y-axis"));
    return {
        svg: box(svg),
        labels: [...axis.querySelectorAll("g.role-axis-label text")].map((t) => ({
            text: t.textContent, opacity: Number(getComputedStyle(t).opacity), ...box(t),
        })),
        bars: [...svg.querySelectorAll('[aria-roledescription="bar"]')].map((b) => b.getAttribute("aria-label")),
        legend: [...svg.querySelectorAll("g.role-legend-label text")].map((t) => t.textContent),
    };
}"""
NAVIGATION = """() => {
    const nav = document.querySelector('[data-testid="stSidebarNav"]');
    return {
        text: nav.innerText,
        emoji: nav.querySelectorAll('[data-testid="stIconEmoji"]').length,
        icons: [...nav.querySelectorAll("a")].map((a) => {
            const icon = a.querySelector('[data-testid="stIconMaterial"]');
            if (!icon) return null;
            const style = getComputedStyle(icon);
            return {name: icon.textContent, font: style.fontFamily, size: parseFloat(style.fontSize),
                    width: icon.getBoundingClientRect().width,
                    loaded: document.fonts.check(`${style.fontSize} ${style.fontFamily}`)};
        }),
    };
}"""


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    """The demo corpus, imported and tagged (suggestions only: the Overview counts them when asked)."""
    folder = tmp_path_factory.mktemp("charts")
    return tagged_project(folder, CORPUS / "interviews", CORPUS / "policy", CORPUS / "media")


def _assert_every_bar_labelled(drawn: dict) -> list[str]:
    """One visible, whole label per bar, inside the chart, none overlapping the next; the labels, top down."""
    labels = sorted(drawn["labels"], key=lambda label: label["top"])
    texts = [label["text"] for label in labels]
    assert len(labels) == len(drawn["bars"]) > 0
    assert len(set(texts)) == len(texts)
    assert [t for t in texts if t.endswith("…")] == []  # cut at the label limit
    assert [label["text"] for label in labels if label["opacity"] == 0] == []  # dropped as overlapping
    assert [label["text"] for label in labels if label["left"] < drawn["svg"]["left"] - 1] == []
    for above, below in pairwise(labels):
        assert above["bottom"] <= below["top"] + 0.5, (above, below)
    return texts


def test_navigation_shows_material_icons_not_emoji(page):
    from playwright.sync_api import expect

    expect(page.locator('[data-testid="stSidebarNav"] [data-testid="stIconMaterial"]')).to_have_count(
        11, timeout=20_000
    )
    drawn = page.evaluate(NAVIGATION)
    assert drawn["emoji"] == 0 and not EMOJI.search(drawn["text"])
    for icon in drawn["icons"]:
        assert icon and "Material Symbols" in icon["font"] and icon["loaded"], icon
        assert icon["width"] <= 1.5 * icon["size"], icon  # one glyph, not the icon's name spelled out


def test_the_overview_chart_labels_every_code_and_names_the_dimensions(page, server):
    from playwright.sync_api import expect

    codes = load(CODEBOOK).codes
    page.goto(server)
    expect(page.get_by_role("heading", name="概览")).to_be_visible(timeout=20_000)
    page.get_by_text("计入未审的建议").click()  # the bars get lengths: the project has suggestions only
    settle(page)
    chart = page.locator(CHART).first
    expect(chart.locator("g.role-legend-label text")).to_have_text(["场景", "结构", "行动"], timeout=20_000)
    expect(chart.locator('[aria-roledescription="bar"]')).to_have_count(len(codes))
    assert _assert_every_bar_labelled(chart.evaluate(MEASURE)) == [c.name for c in codes]
    shot(page, "overview-chart-page")
    chart.screenshot(path=str(ARTIFACTS / "overview-chart.png"))

    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=20_000)
    settle(page)
    chart = page.locator(CHART).first
    expect(chart.locator("g.role-legend-label text")).to_have_text(["Scenario", "Structure", "Action"], timeout=20_000)
    drawn = chart.evaluate(MEASURE)
    assert _assert_every_bar_labelled(drawn) == [c.name_en or c.name for c in codes]
    assert not any(c.id in bar for bar in drawn["bars"] for c in codes)  # names, never ids, in the tooltips too
    chart.screenshot(path=str(ARTIFACTS / "overview-chart-en.png"))


def test_the_word_chart_labels_every_word(page, server):
    from playwright.sync_api import expect

    page.goto(f"{server}/analysis")
    expect(page.get_by_role("heading", name="分析")).to_be_visible(timeout=20_000)
    page.get_by_text("词频", exact=True).click()
    settle(page)
    chart = page.locator(CHART).first
    expect(chart.locator('[aria-roledescription="bar"]')).to_have_count(30, timeout=20_000)  # the top 30 words
    drawn = chart.evaluate(MEASURE)
    words = _assert_every_bar_labelled(drawn)
    assert sorted(words) == sorted(re.search(r"词: ([^;]+);", bar)[1] for bar in drawn["bars"])
    assert all(re.search(r"[\u4e00-\u9fff]", word) for word in words)  # hanzi, drawn in a CJK font
    shot(page, "analysis-words-page")
    chart.screenshot(path=str(ARTIFACTS / "analysis-words-chart.png"))
