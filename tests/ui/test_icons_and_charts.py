"""Material icons, not emoji (a system without an emoji font draws boxes), and charts labelled with code and
dimension names in the interface language, never cut or hidden (the browser test measures the drawing)."""

import io
import json
import re
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.material_icon_names import ALL_MATERIAL_ICONS
from streamlit.testing.v1 import AppTest

import coder.ui
from coder.codebook import load
from coder.demo import CODEBOOK
from coder.serve import MAIN
from tests.helpers import code_quotes, page_app
from tests.test_analysis import BACK, FILES, QUOTES

# Emoji and the variation selector that asks for an emoji glyph; text symbols such as ✓ → ● (DejaVu has them) stay.
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u26ff\ufe0f]")


def _icons() -> None:
    import streamlit as st

    from coder.ui.pages import navigation

    st.session_state["icons"] = {page.title: page.icon for page in navigation()}


def test_every_page_of_the_navigation_has_a_material_icon(monkeypatch, sqlite_cli):
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    at = AppTest.from_function(_icons, default_timeout=30).run()
    assert not at.exception
    icons = at.session_state["icons"]
    assert len(icons) == 11  # everyone is owner where nobody logs in: History and Team too
    for title, icon in icons.items():
        found = re.fullmatch(r":material/([a-z0-9_]+):", icon)
        assert found and found[1] in ALL_MATERIAL_ICONS, (title, icon)


def test_the_interface_code_holds_no_emoji():
    folder = Path(coder.ui.__file__).parent
    files = [*folder.rglob("*.py"), *folder.rglob("*.js"), *folder.rglob("*.css")]
    found = [
        f"{path.relative_to(folder)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if EMOJI.search(line)
    ]
    assert found == []


def _chart(at: AppTest, index: int = 0) -> tuple[dict, list[dict]]:
    """A drawn chart's Vega-Lite spec and its rows (Streamlit sends the data as Arrow beside the spec)."""
    element = at.get("vega_lite_chart")[index].proto
    rows = pa.ipc.open_stream(io.BytesIO(element.datasets[0].data.data)).read_all().to_pylist()
    return json.loads(element.spec), rows


def _assert_readable(spec: dict) -> None:
    assert spec["config"]["axisDiscrete"]["labelOverlap"] is False  # Streamlit's theme hides labels that would touch
    assert spec["config"]["axis"]["labelLimit"] >= 400  # … and cuts them at 100 px
    assert "WenQuanYi Zen Hei" in spec["config"]["font"]
    assert spec["height"] == {"step": 24}  # one row for each bar, whatever the axes take


@pytest.fixture
def coded(monkeypatch, sqlite_cli, tmp_path):
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    code_quotes(sqlite_cli, tmp_path, FILES, QUOTES)
    return sqlite_cli


def test_the_overview_chart_shows_code_and_dimension_names_in_the_chosen_language(coded):
    codebook = load(CODEBOOK)
    at = AppTest.from_file(str(MAIN), default_timeout=30).run()
    assert not at.exception
    spec, rows = _chart(at)
    _assert_readable(spec)
    color = spec["encoding"]["color"]
    assert color["title"] == "维度" and color["scale"]["domain"] == ["场景", "结构", "行动"]
    assert [r["label"] for r in rows] == [c.name for c in codebook.codes]
    assert {r["dimension_name"] for r in rows} == {"场景", "结构", "行动"}
    counts = {r["code"]: r["count"] for r in rows}
    assert counts[BACK] == sum(code == BACK for pairs in QUOTES.values() for code, _ in pairs) > 0

    at.sidebar.radio[0].set_value("en").run()
    spec, rows = _chart(at)
    assert spec["encoding"]["color"]["title"] == "Dimension"
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Scenario", "Structure", "Action"]
    assert [r["label"] for r in rows] == [c.name_en or c.name for c in codebook.codes]
    assert not {r["label"] for r in rows} & {c.id for c in codebook.codes}


def test_the_word_chart_gives_every_word_a_row_and_its_label(coded):
    at = page_app("analysis_page").run()
    at.radio(key="an_display").set_value("words").run()
    assert not at.exception
    spec, rows = _chart(at)
    _assert_readable(spec)
    assert spec["encoding"]["y"]["field"] == "term" and spec["encoding"]["x"]["title"] == "次数"
    assert rows and len({r["term"] for r in rows}) == len(rows)
