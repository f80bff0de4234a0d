"""The real app in Debian's Chromium: `make run`'s server shows the sources, and markup stays text."""

import json
import re
from pathlib import Path

import pytest

from coder.demo import CORPUS
from tests.browser.browsing import ARTIFACTS, ROOT, select_in_reader, settle, shot, tagged_project
from tests.helpers import Cli, write

pytestmark = pytest.mark.browser
HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)></div>"
# Characters outside the BMP (𠮷, 😀) are one code point but two UTF-16 units: offsets must not drift.
POLICY_TEXT = f"第一条 𠮷😀为推进分类考核，制定本办法。{HOSTILE}"


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    """A project with a demo interview and a policy titled with markup, tagged: its database URL."""
    folder = tmp_path_factory.mktemp("browser")
    write(folder / "in" / "policy" / "20230110-P03.txt", f'---\ntitle: "{HOSTILE}"\n---\n{POLICY_TEXT}')
    return tagged_project(folder, CORPUS / "interviews" / "20240110ZLM.txt", folder / "in")


def test_the_app_lists_the_imported_sources(page):
    from playwright.sync_api import expect

    page.goto(f"{page.base}/sources")
    expect(page.get_by_role("heading", name="语料")).to_be_visible(timeout=20_000)
    grid = page.locator('[data-testid="stDataFrame"]')
    expect(grid).to_be_visible()
    expect(grid.get_by_text("20240110ZLM")).to_have_count(1, timeout=20_000)
    expect(grid.get_by_text("20230110-P03")).to_have_count(1)
    settle(page)
    shot(page, "corpus")


def test_markup_in_a_source_shows_as_text_and_never_runs(page):
    from playwright.sync_api import expect

    grid = page.locator('[data-testid="stDataFrame"]')
    expect(grid.get_by_text(HOSTILE)).to_have_count(1, timeout=20_000)
    assert page.locator("img[src=x]").count() == 0
    assert page.dialogs == []


def test_the_coding_page_returns_code_point_offsets_and_shows_markup_as_text(page, server):
    from playwright.sync_api import expect

    page.goto(f"{server}/coding")
    reader = page.locator('[data-testid="qc-reader"]')
    expect(reader).to_contain_text(HOSTILE, timeout=20_000)
    assert page.locator("img[src=x]").count() == 0
    select_in_reader(page, "分类考核")
    start = POLICY_TEXT.index("分类考核")  # Python str index = code points
    expect(page.get_by_test_id("qc-picker-preview")).to_contain_text(f"[{start}, {start + 4})", timeout=20_000)
    page.keyboard.press("Escape")
    assert page.dialogs == []


def test_core_flow_accept_code_a_selection_and_find_it_in_retrieve(page, server):
    from playwright.sync_api import expect

    page.goto(server)  # the Overview is the default page, at the root
    expect(page.get_by_role("heading", name="概览")).to_be_visible(timeout=20_000)
    settle(page)
    shot(page, "overview")

    page.goto(f"{server}/coding?source=20240110ZLM")
    reader = page.locator('[data-testid="qc-reader"]')
    expect(reader).to_contain_text("三亮三评一运用", timeout=20_000)
    settle(page)
    shot(page, "coding")
    status = page.get_by_test_id("qc-status")
    page.get_by_test_id("qc-suggestion").first.locator('button[data-action="accept"]').click()
    expect(status).to_contain_text("已接受：", timeout=20_000)  # what was accepted, and what is left
    settle(page)

    phrase = "干好干坏一个样"
    select_in_reader(page, phrase)
    page.get_by_test_id("qc-picker").locator("button.qc-code").first.click()
    expect(status).to_contain_text("已编码为“", timeout=20_000)

    page.goto(f"{server}/retrieve")  # a fresh page load: what Retrieve shows comes from the database
    expect(page.get_by_role("heading", name="检索")).to_be_visible(timeout=20_000)
    results = page.locator('[data-testid="stText"]')
    expect(results.filter(has_text=f"【{phrase}】")).to_have_count(1, timeout=20_000)
    expect(results.filter(has_text="【")).to_have_count(2)  # the accepted suggestion and the new coding
    settle(page)
    shot(page, "retrieve")

    page.goto(f"{server}/codebook")
    expect(page.get_by_role("heading", name="编码簿")).to_be_visible(timeout=20_000)
    settle(page)
    shot(page, "codebook")


def test_triangulation_shows_the_heatmap_and_a_clicked_cell_shows_its_quotes_as_text(page, server, database):
    from playwright.sync_api import expect

    from coder.project import Project

    # Evidence of our own (suggestions are not evidence): the policy's markup, coded by hand.
    start = POLICY_TEXT.index(HOSTILE)
    Project.open(database).add_coding(
        "20230110-P03", start, start + len(HOSTILE), "scenario.uniform_to_tailored", "浏览器"
    )
    page.set_viewport_size({"width": 1400, "height": 2000})  # the whole page in one screenshot
    try:
        page.goto(f"{server}/triangulation")
        expect(page.get_by_role("heading", name="三角验证", exact=True)).to_be_visible(timeout=20_000)
        chart = page.locator('[data-testid="stVegaLiteChart"]')
        expect(chart.locator("svg, canvas").first).to_be_visible(timeout=20_000)
        expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible()
        expect(page.get_by_role("heading", name="各代码的验证状态")).to_be_visible()
        # Vega labels every cell for screen readers: click the (code, kind) cell by its label.
        cell = chart.locator(
            'path[aria-label*="代码: scenario.uniform_to_tailored;"][aria-label*="来源类型: 政策文本;"]'
        )
        expect(cell).to_have_attribute("aria-label", re.compile("证据数: 1;"))
        box = cell.bounding_box()  # the middle, where the count is written over the cell: a click there counts
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        expect(page.get_by_text("一刀切→因人制宜（scenario.uniform_to_tailored） × 政策文本")).to_be_visible(
            timeout=20_000
        )
        quote = page.locator('[data-testid="stMarkdown"] blockquote').filter(has_text=HOSTILE)
        expect(quote).to_have_count(1)
        assert page.locator("img[src=x]").count() == 0
        assert page.dialogs == []
        page.mouse.move(0, 0)  # no tooltip over the screenshot
        settle(page)
        shot(page, "triangulation")
        # The reports are rendered only when a button is clicked (deferred download data).
        with page.expect_download(timeout=30_000) as download:
            page.get_by_role("button", name="JSON").click()
        assert download.value.suggested_filename == "triangulation.json"
        report = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
        row = next(r for r in report["codes"] if r["code"] == "scenario.uniform_to_tailored")
        assert row["counts"]["policy"] >= 1
        with page.expect_download(timeout=30_000) as download:
            page.get_by_role("button", name="DOCX").click()
        assert download.value.suggested_filename == "triangulation.docx"
        assert Path(download.value.path()).read_bytes()[:2] == b"PK"  # a Word file is a zip archive
        with page.expect_download(timeout=30_000) as download:
            page.get_by_role("button", name="HTML").click()
        ARTIFACTS.mkdir(exist_ok=True)
        report = ARTIFACTS / "triangulation-report.html"  # the browser reads it as HTML by its name
        download.value.save_as(report)
        _the_html_report_renders_with_markup_as_text(page, report)
    finally:
        page.set_viewport_size({"width": 1400, "height": 900})


def _the_html_report_renders_with_markup_as_text(page, report: Path) -> None:
    """The downloaded HTML report opened in the browser: the matrix is there, the markup is text."""
    from playwright.sync_api import expect

    opened = page.context.browser.new_page()
    alerts = []
    opened.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    try:
        opened.goto(report.resolve().as_uri())
        expect(opened.get_by_role("heading", name="三角验证报告")).to_be_visible()
        matrix = opened.locator("table").filter(has_text="一刀切→因人制宜").first
        expect(matrix).to_contain_text("政策文本")
        expect(opened.get_by_text(HOSTILE[:20]).first).to_be_visible()
        assert opened.locator("img[src=x]").count() == 0
        assert opened.locator("script").count() == 0
        assert alerts == []
        opened.screenshot(path=str(ARTIFACTS / "triangulation-report.png"), full_page=True)
    finally:
        opened.close()


def test_export_previews_quotes_as_text_and_downloads_a_spreadsheet(page, server, database):
    import io

    import openpyxl
    from playwright.sync_api import expect

    from coder.project import Project

    # Evidence of our own, so this test also runs alone (`-k export`): the policy's markup, coded by hand.
    start = POLICY_TEXT.index(HOSTILE)
    Project.open(database).add_coding("20230110-P03", start, start + len(HOSTILE), "action.public_results", "导出")
    page.set_viewport_size({"width": 1400, "height": 2200})  # the whole page in one screenshot
    try:
        page.goto(f"{server}/export")
        expect(page.get_by_role("heading", name="导出")).to_be_visible(timeout=20_000)
        expect(page.get_by_role("heading", name="编码引文")).to_be_visible()
        # The triangulation test, when it ran, coded the same markup under another code: one or two quotes.
        quote = page.locator('[data-testid="stMarkdown"] blockquote').filter(has_text=HOSTILE)
        expect(quote.first).to_be_visible(timeout=20_000)
        expect(page.get_by_role("heading", name="结果运用公开化", exact=True)).to_be_visible()  # a name, no code id
        expect(page.get_by_role("heading", name="受访者基本情况表")).to_be_visible()
        grid = page.locator('[data-testid="stDataFrame"]')
        expect(grid.get_by_text("20240110ZLM")).to_have_count(1, timeout=20_000)
        assert page.locator("img[src=x]").count() == 0
        assert page.dialogs == []
        settle(page)
        shot(page, "export")
        # The files are rendered only when a button is clicked (deferred download data).
        with page.expect_download(timeout=30_000) as download:
            page.locator(".st-key-exp_quotes_xlsx button").click()
        assert download.value.suggested_filename == "quotes.xlsx"
        sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert rows[0][:4] == ["维度", "维度名称", "代码", "代码名称"]
        assert any(HOSTILE in str(value) for row in rows[1:] for value in row)  # markup stays text
        # No source here has a span starting with '=': formula cells are covered in tests/ui/test_export_page.py.
        assert not any(isinstance(v, str) and v.startswith("=") for row in rows for v in row)
        with page.expect_download(timeout=30_000) as download:
            page.locator(".st-key-exp_respondents_csv button").click()
        assert download.value.suggested_filename == "respondents.csv"
        table = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert "20240110ZLM" in table and "曾丽敏" not in table  # no names, only the record ID
    finally:
        page.set_viewport_size({"width": 1400, "height": 900})


def test_analysis_shows_the_cooccurrence_heatmap_and_keeps_a_framework_summary(page, server, database):
    from playwright.sync_api import expect

    from coder.project import Project

    # Evidence of our own, so this test also runs alone: two codes on overlapping spans of one sentence.
    project = Project.open(database)
    text = project.source("20240110ZLM")["text"]
    for phrase, code in (("分数怎么来的，被考的人自己也不清楚", "scenario.backstage"),
                         ("被考的人自己也不清楚，问也问不出来", "scenario.fuzzy_to_fine")):  # fmt: skip
        start = text.index(phrase)
        project.add_coding("20240110ZLM", start, start + len(phrase), code, "分析")
    # The hostile policy text, coded with both codes: its markup must reach the displays, shown as text.
    hostile = POLICY_TEXT.index("制定本办法")
    for code in ("scenario.backstage", "scenario.fuzzy_to_fine"):
        project.add_coding("20230110-P03", hostile, len(POLICY_TEXT), code, "分析")
    backstage, fuzzy = "前置场景·求稳求安的幕后空间", "模糊化考核→精细化考核"
    page.set_viewport_size({"width": 1400, "height": 2000})  # the whole page in one screenshot
    try:
        page.goto(f"{server}/analysis")
        expect(page.get_by_role("heading", name="分析")).to_be_visible(timeout=20_000)
        expect(page.get_by_text("共现规则：以句子为单位").first).to_be_visible(timeout=20_000)
        heatmap = page.locator('[data-testid="stVegaLiteChart"]').first
        cell = heatmap.locator(f'path[aria-label*="代码一: {backstage};"][aria-label*="代码二: {fuzzy};"]')
        expect(cell).to_have_count(1, timeout=20_000)
        _click_middle(page, cell)
        expect(page.get_by_text(re.compile(f"{backstage} × {fuzzy} · \\d+ 处共现"))).to_be_visible(timeout=20_000)
        quote = page.locator('[data-testid="stMarkdown"] blockquote').filter(has_text="问也问不出来")
        expect(quote.first).to_be_visible()
        markup = page.locator('[data-testid="stMarkdown"] blockquote').filter(has_text=HOSTILE)
        expect(markup).to_have_count(1)  # the policy's <script> and <img> as characters, not elements
        assert page.locator("img[src=x]").count() == 0 and page.dialogs == []
        page.mouse.move(0, 0)  # no tooltip over the screenshot
        settle(page)
        shot(page, "analysis")

        summary = "两位受访者都提到打分不透明（浏览器测试）"
        _click_middle(page, _framework_cell(page, backstage))
        page.get_by_role("textbox", name="研究者摘要").fill(summary)
        page.get_by_role("button", name="保存摘要").click()
        expect(page.get_by_text("已保存")).to_be_visible(timeout=20_000)
        page.reload()  # what the page shows next comes from the database
        expect(page.get_by_role("heading", name="分析")).to_be_visible(timeout=20_000)
        _click_middle(page, _framework_cell(page, backstage))
        expect(page.get_by_role("textbox", name="研究者摘要")).to_have_value(summary, timeout=20_000)
        settle(page)
        shot(page, "analysis-framework")
        assert page.locator("img[src=x]").count() == 0
        assert page.dialogs == []
    finally:
        page.set_viewport_size({"width": 1400, "height": 900})


def _click_middle(page, cell) -> None:
    """Click a heatmap cell in its middle, where its count is written over it: a click there counts."""
    box = cell.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _framework_cell(page, code_name: str):
    """The framework tab's heatmap cell of the interview 20240110ZLM and a code, ready to click."""
    from playwright.sync_api import expect

    page.get_by_text("框架矩阵", exact=True).click()
    cell = page.locator(f'path[aria-label*="受访者: ZLM · 20240110ZLM;"][aria-label$="代码: {code_name}"]')
    expect(cell).to_have_count(1, timeout=20_000)
    return cell


def test_a_team_project_asks_for_a_login_and_logging_out_asks_again(page, server, database):
    """Last in this file: it switches the shared project to team mode (and back)."""
    from playwright.sync_api import expect

    cli = Cli(database, ROOT)
    password = "correct horse battery"
    assert cli("user", "add", "负责人", "--role", "owner", "--password-stdin", input=password + "\n").exit_code == 0
    assert cli("team", "on").exit_code == 0
    try:
        page.goto(server)
        expect(page.get_by_role("heading", name="登录")).to_be_visible(timeout=20_000)
        page.get_by_label("用户名").fill("负责人")
        page.get_by_label("密码").fill("wrong password")
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_text("用户名或密码不正确")).to_be_visible(timeout=20_000)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="概览")).to_be_visible(timeout=20_000)
        expect(page.get_by_text("负责人").first).to_be_visible()
        expect(page.get_by_role("link", name="团队")).to_be_visible()
        settle(page)
        shot(page, "team-logged-in")
        page.get_by_role("button", name="退出登录").click()
        expect(page.get_by_role("heading", name="登录")).to_be_visible(timeout=20_000)
    finally:
        assert cli("team", "off").exit_code == 0
