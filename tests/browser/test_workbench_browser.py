"""The Coding workbench in Debian's Chromium: drawing, keyboard review, coding a selection, sentence and turn
coding, in-vivo codes, undo, and a refused decision put back. Each test reads what was stored back from
the database: what the page shows first is only the browser's forecast."""

import sqlite3
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from coder.demo import CORPUS
from coder.project import Project
from tests.browser.browsing import click_in_reader, select_in_reader, shot, tagged_project

pytestmark = pytest.mark.browser


class Span(NamedTuple):
    start: int
    end: int


SOURCE = "20240110ZLM"
STATUS = "qc-status"


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    """A project holding one demo interview, tagged, with its own copy of the codebook: its database URL."""
    return tagged_project(tmp_path_factory.mktemp("workbench"), CORPUS / "interviews" / f"{SOURCE}.txt")


@pytest.fixture
def bench(page, server):
    """The Coding page opened on the interview, drawn."""
    page.goto(f"{server}/coding?source={SOURCE}")
    page.wait_for_selector('[data-testid="qc-workbench"][data-ready="1"]', timeout=30_000)
    return page


def stored(url: str, coding_id: int) -> dict:
    return {c["id"]: c for c in Project.open(url).codings(source=SOURCE)}.get(coding_id)


def eventually(check, timeout: float = 10.0):
    """``check()`` once it is truthy: the database hears of a decision a moment after the page shows it."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError("never became true")
        time.sleep(0.1)
    return value


def text_of(url: str) -> str:
    return Project.open(url).source(SOURCE)["text"]


def test_suggestions_are_underlined_evidence_is_filled_and_the_legend_names_the_codes(bench, database):
    from playwright.sync_api import expect

    suggestion = bench.locator("span.qc-mark.qc-sugg").first
    style = suggestion.evaluate("s => [getComputedStyle(s).borderBottomStyle, getComputedStyle(s).backgroundColor]")
    assert style == ["dashed", "rgba(0, 0, 0, 0)"]  # pending: an outline in the code's colour, no fill
    assert "待审建议" in suggestion.get_attribute("title")
    legend = bench.get_by_test_id("qc-legend")
    expect(legend).to_contain_text("前置场景·求稳求安的幕后空间")  # Chinese names, not English ids
    item = bench.get_by_test_id("qc-suggestion").first
    coding_id = int(item.get_attribute("data-id"))
    item.locator('button[data-action="accept"]').click()
    expect(bench.get_by_test_id(STATUS)).to_contain_text("已接受：", timeout=20_000)
    accepted = stored(database, coding_id)
    evidence = bench.locator("span.qc-mark.qc-ev").first
    assert evidence.evaluate("s => getComputedStyle(s).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert "已接受" in evidence.get_attribute("title")
    assert accepted["code"] in evidence.get_attribute("data-codes").split()
    assert bench.locator(f'.qc-stripe[data-code="{accepted["code"]}"]:not(.qc-hollow)').count() >= 1
    shot(bench, "workbench")


def test_review_by_keyboard_next_accept_reject_and_recode(bench, database):
    from playwright.sync_api import expect

    bench.keyboard.press("j")
    current = bench.locator(".qc-item.qc-current")
    expect(current).to_have_count(1)
    expect(bench.locator("[data-testid=qc-reader] .qc-current").first).to_be_visible()  # outlined in the text
    first = int(current.get_attribute("data-id"))
    bench.keyboard.press("a")
    expect(bench.locator(f'[data-testid="qc-suggestion"][data-id="{first}"]')).to_have_count(0)
    eventually(lambda: stored(database, first)["status"] == "accepted")

    second = int(bench.locator(".qc-item.qc-current").get_attribute("data-id"))
    assert second != first  # review goes on with the next suggestion
    bench.keyboard.press("r")
    expect(bench.locator(f'[data-testid="qc-suggestion"][data-id="{second}"]')).to_have_count(0)
    eventually(lambda: stored(database, second)["status"] == "rejected")

    third = stored(database, int(bench.locator(".qc-item.qc-current").get_attribute("data-id")))
    recent = stored(database, first)["code"]  # the code just accepted is the first recent one
    bench.keyboard.press("1")
    target = recent if recent != third["code"] else None
    eventually(lambda: stored(database, third["id"])["status"] == "rejected")
    same_span = [
        c
        for c in Project.open(database).codings(source=SOURCE)
        if (c["start"], c["end"]) == (third["start"], third["end"])
    ]
    recoded = [c for c in same_span if c["status"] == "accepted" and c["code"] != third["code"]]
    assert recoded and (target is None or recoded[0]["code"] == target)


def test_a_selection_shows_recent_codes_codes_at_once_and_clears(bench, database):
    from playwright.sync_api import expect

    phrase = "干好干坏一个样"
    select_in_reader(bench, phrase)
    picker = bench.get_by_test_id("qc-picker")
    expect(picker).to_be_visible()
    button = picker.locator("button.qc-code").first
    code = button.get_attribute("data-code")
    button.click()
    expect(picker).to_be_hidden()
    assert bench.evaluate("() => document.getSelection().isCollapsed")  # one more click cannot code it twice
    expect(bench.locator(f'span.qc-mark.qc-ev[data-codes~="{code}"]', has_text=phrase).first).to_be_visible()
    expect(bench.get_by_test_id(STATUS)).to_contain_text("已编码为“", timeout=20_000)
    start = text_of(database).index(phrase)
    manual = [c for c in Project.open(database).codings(source=SOURCE, status="manual") if c["code"] == code]
    assert [(c["start"], c["end"]) for c in manual] == [(start, start + len(phrase))]


def test_a_click_codes_the_whole_sentence_or_the_speaker_turn(bench, database):
    from playwright.sync_api import expect

    text = text_of(database)
    phrase = "谢谢您百忙之中抽时间"
    at = text.index(phrase)
    units = Project.open(database).units(SOURCE)  # as import stored them: sentences leave speaker labels out
    sentence = next(Span(*s) for s in units["sentences"] if s[0] <= at < s[1])
    turn = next(Span(*s) for s in units["turns"] if s[0] <= at < s[1])
    picker = bench.get_by_test_id("qc-picker")
    for scope, span, code in (("sentence", sentence, "scenario.frontstage"), ("turn", turn, "action.responsiveness")):
        click_in_reader(bench, phrase)
        expect(picker).to_be_visible()
        picker.locator(f'button[data-scope="{scope}"]').click()
        expect(bench.get_by_test_id("qc-picker-preview")).to_contain_text(f"[{span.start}, {span.end})")
        picker.get_by_test_id("qc-code-search").fill(code)
        picker.get_by_test_id("qc-found").locator(f'button[data-code="{code}"]').click()
        eventually(
            lambda span=span, code=code: any(
                (c["start"], c["end"], c["code"]) == (span.start, span.end, code)
                for c in Project.open(database).codings(source=SOURCE, status="manual")
            )
        )


def test_a_new_code_from_the_selection_goes_into_the_codebook(bench, database):
    from playwright.sync_api import expect

    phrase = "三亮三评一运用"
    select_in_reader(bench, phrase)
    picker = bench.get_by_test_id("qc-picker")
    expect(picker.get_by_test_id("qc-invivo-name")).to_have_value(phrase)  # in vivo: the words are its name
    picker.get_by_test_id("qc-invivo-dimension").select_option("structure")
    picker.get_by_test_id("qc-invivo-create").click()
    expect(bench.get_by_test_id(STATUS)).to_contain_text("已新建代码“", timeout=20_000)
    codebook = Path(database.removeprefix("sqlite:///")).parent / "codebook.yaml"
    assert phrase in codebook.read_text(encoding="utf-8")
    code = next(c for c in Project.open(database).codes()["codes"] if c["name"] == phrase)
    assert code["parent"] == "structure"
    start = text_of(database).index(phrase)
    assert any(
        (c["start"], c["end"], c["code"]) == (start, start + len(phrase), code["id"])
        for c in Project.open(database).codings(source=SOURCE, status="manual")
    )
    expect(bench.get_by_test_id("qc-legend")).to_contain_text(phrase)


def test_the_last_coding_is_undone_from_the_workbench(bench, database):
    from playwright.sync_api import expect

    phrase = "考核科"
    select_in_reader(bench, phrase)
    bench.get_by_test_id("qc-picker").locator("button.qc-code").first.click()
    expect(bench.get_by_test_id(STATUS)).to_contain_text("已编码为“", timeout=20_000)
    start = text_of(database).index(phrase)

    def coded() -> bool:
        return any(
            (c["start"], c["end"]) == (start, start + len(phrase))
            for c in Project.open(database).codings(source=SOURCE, status="manual")
        )

    assert coded()
    undo = bench.get_by_test_id("qc-undo")
    expect(undo).to_be_enabled()
    undo.click()
    expect(bench.get_by_test_id(STATUS)).to_contain_text("已撤销", timeout=20_000)
    assert not coded()


def test_a_refused_decision_shows_why_and_puts_the_suggestion_back(bench, database):
    from playwright.sync_api import expect

    item = bench.get_by_test_id("qc-suggestion").first
    coding_id = int(item.get_attribute("data-id"))
    # Someone else changes the suggestion after this page drew it: the page's version is stale.
    with sqlite3.connect(database.removeprefix("sqlite:///")) as db:
        db.execute("UPDATE coding SET version = version + 1 WHERE id = ?", (coding_id,))
    item.locator('button[data-action="reject"]').click()
    status = bench.get_by_test_id(STATUS)
    expect(status).to_have_class("qc-status qc-error", timeout=20_000)
    expect(bench.locator(f'[data-testid="qc-suggestion"][data-id="{coding_id}"]')).to_have_count(1)
    assert stored(database, coding_id)["status"] == "suggested"


def test_a_source_memo_is_saved_shown_and_the_box_emptied(bench, database):
    from playwright.sync_api import expect

    bench.get_by_test_id("qc-memo-toggle").click()
    bench.get_by_test_id("qc-memo-text").fill("<b>访谈</b>中对分层的保留意见")
    bench.get_by_test_id("qc-memo-save").click()
    expect(bench.get_by_test_id("qc-memo")).to_contain_text("<b>访谈</b>中对分层的保留意见", timeout=20_000)
    expect(bench.get_by_test_id("qc-memo-text")).to_have_value("")
    assert bench.locator("[data-testid=qc-memos] b").count() == 0  # the memo is text, not markup
    memos = Project.open(database).memos(source=SOURCE)
    assert [m["text"] for m in memos] == ["<b>访谈</b>中对分层的保留意见"]


def test_pages_of_suggestions_turn_while_one_is_under_review(bench):
    from playwright.sync_api import expect

    bench.keyboard.press("j")
    pager = bench.get_by_test_id("qc-next-page")
    if pager.is_disabled():
        pytest.skip("one page of suggestions only")
    first = bench.get_by_test_id("qc-suggestion").first.get_attribute("data-id")
    pager.click()
    expect(bench.get_by_test_id("qc-suggestion").first).not_to_have_attribute("data-id", first)


def test_leaving_the_page_takes_the_picker_with_it(bench, server):
    from playwright.sync_api import expect

    select_in_reader(bench, "干好干坏一个样")
    expect(bench.get_by_test_id("qc-picker")).to_be_visible()
    bench.locator('[data-testid="stSidebarNav"] a', has_text="检索").first.click()
    expect(bench.get_by_role("heading", name="检索")).to_be_visible(timeout=20_000)
    expect(bench.get_by_test_id("qc-picker")).to_have_count(0)
