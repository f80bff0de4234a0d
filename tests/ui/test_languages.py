"""One language at a time: every page, opened in Chinese and in English on a project that holds every
kind of metadata, decision and audit event, shows only words of the interface language — no raw keys, no
"None", no string of the other language — outside an explicit allow-list of identifiers, proper names and
the project's own data (source text, quotes, code names that have no English one, memos …).

Every element's text is collected from the AppTest tree: markdown, captions, headings, alerts, buttons,
labels, help texts, placeholders, selectbox/radio/multiselect options, metrics, expanders, tabs, tables'
headers and cells (with their column labels), and the workbench's labels and code names. Charts belong
to another check (tests/ui/test_analysis_page.py, test_triangulation_page.py) and are left out here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Dataframe, UnknownElement

from coder import demo
from coder.export.quotes import Selection
from coder.project import Project
from coder.serve import MAIN
from coder.ui.history_words import sentence
from coder.ui.i18n import STRINGS
from coder.ui.workbench.actions import answer
from tests.helpers import page_app, write

ME = "马老师"
OTHER = "研究者B"
INTERVIEW = """---
id: 20240115MJQ
kind: interview
date: 2024-01-15
title: 社区书记谈考核改革
interviewee: 马继强
role: 社区党委书记
organization: 幸福社区
interviewer: 王研究员
place: 社区办公室
---
访谈者：请您谈谈考核改革。
MJQ：以前考核就是走过场，人人称职。现在排名都公示出来了，干得好的能上，干不好的就要下。
访谈者：分层分类考核怎么做？
MJQ：街道把干部分成三类，指标不一样，年轻干部有老同志帮带。
"""
POLICY = """---
id: 20230110-P03
kind: policy
date: 2023-01-10
title: 关于完善干部考核评价机制的实施意见
issuer: 云江区委组织部
doc_number: 云组发〔2023〕3号
---
第一条　考核结果向社会公示，优秀、称职、基本称职的比例为3:6:1。
第二条　实行分类考核，干得好的能上，干不好的能下。
"""
MEDIA = """---
id: 20230605-M04
kind: media
date: 2023-06-05
title: 考核改革让干部动起来
outlet: 云江日报
author: 李晓
url: https://news.example.cn/2023/0605.html
derived_from: 20230110-P03
---
记者了解到，该区考核结果向社会公示，干得好的能上，干不好的能下，比例为3:6:1。
"""
UNTITLED = """---
id: 20231208-M05
kind: media
date: 2023-12-08
title:
outlet:
---
群众说，现在干部办事比以前主动多了，排名都公示出来了。
"""
UPLOADED = "---\nkind: policy\ndate: 2022-04-01\ntitle: 动态考核办法\nvia: 网站\n---\n第一条　考核每季度进行一次。\n"
NEW_CODE = "群众评议"  # made in the workbench: a code with no English name

# Chinese mode: runs of two or more ASCII letters allowed where they are identifiers or proper names.
CODE_SPAN = r"`[^`]*`"  # code spans: commands, front matter, file names shown as syntax (in either language)
ASCII_ALLOWED_PATTERNS = [
    CODE_SPAN,
    r"<[^>]+>|&nbsp;",  # markup of the page's own (a code's colour swatch)
    r"\bqcoder(?: --?[\w-]+| [a-z][\w-]*)+",  # a qcoder command line
    r"\{[a-z_]+\}",  # the fields of a citation template
    r"\b\d+-[0-9a-f]{6,}\b",  # a codebook version (its number and the file's hash)
    r"\bsuggester-\d+\b",  # a trained model's version
    r"(?:/[\w.-]+){2,}",  # a file path (the codebook file being edited)
    r"https?://\S+",  # URLs from the metadata
    r"\b\d{8}[A-Z]{2,6}(?:-\d+)?\b",  # interview record IDs
    r"\b\d{8}-[PM]\d+\b",  # policy and media record IDs
    r"\b[a-z_]+(?:\.[a-z0-9_]+)+\b",  # code ids (scenario.backstage), shown on purpose beside names
    r"[\w.-]*\.(?:txt|md|docx|xlsx|csv|qdpx|qdc|json|html|htm|pdf|yaml|yml|zip|sqlite)\b",  # files, extensions
]
ASCII_ALLOWED_WORDS = {
    "qcoder", "QDPX", "QDC", "REFI", "QDA", "jieba", "NVivo", "ATLAS", "ti", "MAXQDA", "Taguette", "Word", "Excel",
    "CSV", "Markdown", "HTML", "JSON", "YAML", "PDF", "DOCX", "XLSX", "MD", "TXT", "Cohen", "Krippendorff",
    "kappa", "Kappa", "alpha", "Alpha", "Fleiss", "Scott", "pi", "Gwet", "AC", "spaCy", "PostgreSQL", "SQLite",
    "URL", "ID", "IDs",  # identifiers by their usual name in Chinese software
    "Esc",  # a key on the keyboard
    "Shan", "Zeng",  # surname readings, the example of how 单 and 曾 are read in IDs
}  # fmt: skip
# English mode: Chinese characters and full-width punctuation, allowed in the project's data and in these
# examples of Chinese names an English sentence explains (surnames, names to mask, a file name).
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")
IDEOGRAPH = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
CHINESE_ALLOWED = {
    "欧阳", "司马", "单", "曾",  # surnames, in the ID maker's help
    "马继强", "街道办",  # the interviewee and the file name of the record-ID example
    "石桥镇", "陈老师",  # names to mask, in the mask list's help
    "问", "访谈者", "主持人",  # interviewers' speaker labels, in Retrieve's help
    "考核", "考核办法", "考核排名", "排名",  # how a search matches words, in Retrieve's help
}  # fmt: skip
# The language switch names each language in its own words, by design.
SHELL_BILINGUAL = r"\[language\]"
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")
NONE = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|\bnull\b")


# The project ------------------------------------------------------------------------------------------


@pytest.fixture
def project(monkeypatch, sqlite_cli, tmp_path) -> Project:
    """Every kind of source and metadata (an interview, a policy text with issuer and document number, a
    media report with outlet, author and URL derived from the policy text, a report with no title or
    outlet), every kind of decision (accepted, rejected, recoded, manual, still suggested, a second
    coder's) and audit events of every kind the History page lists (codings, codes, memos, claims,
    metadata, the fieldwork window, the mask list, undo)."""
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    monkeypatch.setenv("QCODER_CODER", ME)
    book = tmp_path / "codebook.yaml"
    book.write_text(demo.CODEBOOK.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("QCODER_CODEBOOK", str(book))
    for folder, name, content in (
        ("interviews", "20240115MJQ.txt", INTERVIEW),
        ("policy", "20230110-P03.txt", POLICY),
        ("media", "20230605-M04.txt", MEDIA),
        ("media", "20231208-M05.txt", UNTITLED),
    ):
        write(tmp_path / "in" / folder / name, content)
    assert sqlite_cli("import", str(tmp_path / "in")).exit_code == 0
    assert sqlite_cli("tag").exit_code == 0
    opened = Project.open(sqlite_cli.url)
    suggested = opened.codings(status="suggested")
    assert len(suggested) >= 4
    opened.decide(suggested[0]["id"], "accept", ME)
    opened.decide(suggested[1]["id"], "reject", ME)
    opened.decide(suggested[2]["id"], "accept", ME, new_code="structure.resilient")

    def span(source: str, phrase: str) -> tuple[int, int]:
        start = opened.source(source)["text"].index(phrase)
        return start, start + len(phrase)

    first = opened.add_coding("20240115MJQ", *span("20240115MJQ", "以前考核就是走过场"), "scenario.backstage", ME,
                              memo="改革前的考核")  # fmt: skip
    opened.add_coding("20230110-P03", *span("20230110-P03", "考核结果向社会公示"), "action.public_results", ME)
    opened.add_coding("20230605-M04", *span("20230605-M04", "考核结果向社会公示"), "action.public_results", ME)
    opened.add_coding("20231208-M05", *span("20231208-M05", "排名都公示出来了"), "action.public_results", ME)
    opened.add_coding("20240115MJQ", *span("20240115MJQ", "以前考核就是走过场"), "scenario.backstage", OTHER)
    opened.add_coding("20240115MJQ", *span("20240115MJQ", "年轻干部有老同志帮带"), "structure.tiering", OTHER)
    moved = opened.add_coding("20240115MJQ", *span("20240115MJQ", "人人称职"), "scenario.backstage", ME)
    opened.adjust_coding(moved, *span("20240115MJQ", "人人称职。"), ME)
    gone = opened.add_coding("20240115MJQ", *span("20240115MJQ", "指标不一样"), "structure.tiering", ME)
    opened.delete_coding(gone, ME)
    undone = opened.add_coding("20231208-M05", *span("20231208-M05", "主动多了"), "action.public_results", ME)
    opened.undo(next(e["id"] for e in opened.audit_events(entity="coding") if e["entity_id"] == str(undone)), ME)
    # Codes: one made in the workbench (no English name), one edited, one removed from the codebook.
    opened.create_code("action", NEW_CODE, ME)
    text = book.read_text(encoding="utf-8").replace("name: 揭榜挂帅\n", "name: 揭榜挂帅机制\n", 1)
    opened.save_codebook(book, text, ME)
    # Memos on a source and a code, one edited, one deleted; a claim made and one deleted.
    memo = opened.add_memo("街道的说法与政策文本一致", ME, source="20240115MJQ")
    opened.edit_memo(memo, "街道的说法与政策文本基本一致", ME)
    opened.delete_memo(opened.add_memo("待删的备忘", ME, code="scenario.backstage"), ME)
    opened.add_memo("幕后空间的说法来自受访者", ME, code="scenario.backstage")
    opened.add_claim("考核结果公开得到多方印证", ["action.public_results"], [], ME)
    opened.delete_claim(opened.add_claim("待删的论断", ["scenario.backstage"], [], ME), ME)
    # Metadata: the untitled report's outlet set, then emptied again; the fieldwork window.
    opened.update_metadata("20231208-M05", {"outlet": "云江晚报"}, ME)
    opened.update_metadata("20231208-M05", {"outlet": "", "title": ""}, ME)
    opened.set_fieldwork(dt.date(2024, 1, 1), dt.date(2024, 3, 31), ME)
    # The mask list: a name confirmed, one dismissed, one removed.
    opened.add_mask("李晓", "person", ME, "记者甲")
    opened.dismiss_mask("云江", "place", ME)
    opened.add_mask("王研究员", "person", ME, "研究者")
    opened.remove_mask("王研究员", ME)
    assert first
    return opened


def data_strings(project: Project) -> list[str]:
    """What the project holds that pages show as it is, whatever the interface language."""
    found: list[str] = [ME, OTHER, "马继强", "MJQ", UPLOADED, "动态考核办法.txt"]  # and the upload's file
    for source in project.sources():
        detail = project.source(source["id"])
        found += [detail["text"], detail["title"] or "", *map(str, detail["meta"].values())]
        person = detail.get("participant") or {}
        found += [str(v) for v in person.values() if v]
    for code in project.codes(True)["codes"]:
        if not code.get("name_en"):
            found.append(code["name"])
        for field in ("brief", "definition", "when_to_use", "when_not_to_use", "example"):
            found.append(code.get(field) or "")
        found += [*code.get("keywords", []), *code.get("exclude", [])]
    found += [c for c in project.audit_coders() if c != "tagger"]  # people's names (the tagger is named by what it is)
    found += [q["citation"] for q in project.quotes(Selection())]  # a citation is in the style of the paper it goes in
    found += [m["text"] for m in project.memos()]
    found += [c["text"] for c in project.claims()]
    for mask in project.masks():
        found += [str(v) for v in mask.values() if isinstance(v, str)]
    for event in project.audit_events(limit=5000):  # what the log quotes: old values, deleted memos and claims
        found += list(_written([event["before"], event["after"]]))
    found += [f"（{c}）" for c in found if "《" in c or "访谈记录" in c]  # a citation as a paper prints it
    return found


def _written(value: Any, key: str = "") -> Iterator[str]:
    """What people wrote, in an event's before and after: texts, titles, metadata, replacements (never a
    status or an origin: those the interface must say in its words)."""
    if isinstance(value, str) and key in WRITTEN:
        yield value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _written(item, "meta" if key == "meta" else name)
    elif isinstance(value, list):
        for item in value:
            yield from _written(item, key)


WRITTEN = {"text", "title", "replacement", "meta"}


# Reading the page -------------------------------------------------------------------------------------

INPUTS = ("text_input", "text_area")  # their values are what a person typed
CHOICES = ("radio", "selectbox", "multiselect", "select_slider", "slider", "button_group", "number_input",
           "date_input", "time_input", "color_picker", "button", "download_button", "checkbox", "toggle")  # fmt: skip


def texts(at: AppTest) -> Iterator[tuple[str, str, bool]]:
    """(where, text, is_data) for every string the page shows; ``is_data`` marks what a person typed (an
    input's value, the codebook file in its editor), checked only for "None"."""
    yield from _walk(at._tree)


def _walk(node: Any) -> Iterator[tuple[str, str, bool]]:
    if isinstance(node, Block):
        label = getattr(node, "label", None)
        if isinstance(label, str) and label:
            yield node.type, label, False
        for child in node.children.values():
            yield from _walk(child)
        return
    if isinstance(node, Dataframe):
        yield from _table(node)
        return
    if isinstance(node, UnknownElement):
        yield from _component(node)
        return
    kind = getattr(node, "type", type(node).__name__)
    where = f"{kind}[{getattr(node, 'key', None) or ''}]"
    for attribute in ("label", "help", "placeholder", "delta"):
        value = getattr(node, attribute, None)
        if isinstance(value, str) and value:
            yield f"{where}.{attribute}", value, False
    for value in getattr(node, "options", None) or []:
        yield f"{where}.option", str(value), False
    try:
        value = node.value
    except Exception:  # an element without a value of its own
        return
    if isinstance(value, str) and value and kind not in CHOICES:  # a choice's value is its key; options show
        yield where, value, kind in INPUTS


def _table(node: Dataframe) -> Iterator[tuple[str, str, bool]]:
    """Headers (or the labels the column config gives them), help texts, options and every cell."""
    frame: pd.DataFrame = node.value
    config = json.loads(node.proto.columns) if node.proto.columns else {}
    for column in frame.columns:
        conf = config.get(str(column)) or config.get(f"name:{column}") or {}
        yield "table.header", str(conf.get("label") or column), False
        if conf.get("help"):
            yield "table.help", conf["help"], False
        for option in (conf.get("type_config") or {}).get("options") or []:
            yield "table.option", str(option), False
        for cell in frame[column].tolist():
            if cell is None or (isinstance(cell, float) and pd.isna(cell)):
                yield "table.cell", "None", False  # an empty cell should be "", not a missing value
            elif isinstance(cell, str):
                yield "table.cell", cell, False


def _component(node: UnknownElement) -> Iterator[tuple[str, str, bool]]:
    """The workbench: its labels, the names of its codes and dimensions, its undo (the HTML is its own).
    Charts are left to the chart tests."""
    proto = getattr(node, "proto", None)
    raw = getattr(proto, "json", None)
    if not raw or "qcoder_workbench" not in str(proto):
        return
    data = json.loads(raw)
    data = data.get("data", data)
    for name, label in (data.get("labels") or {}).items():
        yield f"workbench.label.{name}", label, False
    for code in data.get("codes", []):
        yield "workbench.code", code["name"], False
        yield "workbench.dimension", code["dim_name"], False
    for dim in data.get("dims", []):
        yield "workbench.dimension", dim["name"], False
    if data.get("undo"):
        yield "workbench.undo", data["undo"]["summary"], False


# Checking ---------------------------------------------------------------------------------------------


def problems(at: AppTest, language: str, data: list[str], skip: str | None = None) -> list[str]:
    """Every string of the page that breaks the rules, with where it was found (``skip``: a pattern of
    places left to another check)."""
    blob = "\n".join(data)
    found = []
    for where, text, is_data in texts(at):
        if skip and re.search(skip, where):
            continue
        shown = text.replace("\\", "")  # the escaping of user text
        if NONE.search(shown):
            found.append(f"{where}: “None” in {shown!r}")
        if is_data:
            continue
        pieces = _english(shown, blob) if language == "zh" else _chinese(shown, blob)
        found += [f"{where}: {piece!r} in {shown!r}" for piece in pieces]
    return sorted(set(found))


def _english(text: str, blob: str) -> list[str]:
    """Runs of two or more ASCII letters that are neither allowed nor the project's data."""
    for pattern in ASCII_ALLOWED_PATTERNS:
        text = re.sub(pattern, " ", text)
    return [w for w in ASCII_WORD.findall(text) if w not in ASCII_ALLOWED_WORDS and w not in blob]


def _chinese(text: str, blob: str) -> list[str]:
    """Runs of Chinese characters or full-width punctuation that are not the project's data (or allowed).
    A run of punctuation alone counts as data only with a neighbour: "Name（id）" is not, "云组发〔2023〕3号" is."""
    text = re.sub(CODE_SPAN, " ", text)
    wrong = []
    for match in CHINESE.finditer(text):
        run = match.group()
        if run in CHINESE_ALLOWED:
            continue
        if IDEOGRAPH.search(run):
            if run not in blob:
                wrong.append(run)
        elif (
            text[max(0, match.start() - 1) : match.end()] not in blob
            and text[match.start() : match.end() + 1] not in blob
        ):
            wrong.append(run)
    return wrong


def opened(module: str, language: str, **state: Any) -> AppTest:
    at = page_app(module)
    at.session_state["language"] = language
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


# Every page, in both languages -------------------------------------------------------------------------

# Left to the Retrieve page's own helper (coder/ui/retrieve_page.py is being rebuilt): its code and coder
# filters. Its results are kept off the page by a search that finds nothing; its static strings are checked.
RETRIEVE_LEFT = r"\[r_codes\]|\[r_dimension\]|\[r_coders\]"


def views(project: Project, tmp_path: Path) -> Iterator[tuple[str, dict[str, Any], tuple[str, ...]]]:
    """Each page (module, session state to open it with, buttons to click then), in the states that show
    more of it."""
    yield "overview_page", {}, ()
    yield "overview_page", {"overview_suggestions": True}, ()
    upload = _upload_results(project, tmp_path)
    for source in project.sources():  # each kind's metadata form, and the import results of an upload
        yield "sources_page", {"edit_source": source["id"], "upload_results": upload}, ()
    for source in project.sources():
        yield "coding_page", {"coding_source": source["id"]}, ()
    yield "retrieve_page", {"r_text": "并无此词"}, ()
    yield "triangulation_page", {}, ()
    yield "triangulation_page", {"tri_code": "action.public_results", "tri_kind": "policy"}, ()
    for display in ("cooccurrence", "framework", "timeline", "words"):
        yield "analysis_page", {"an_display": display}, ()
    yield "analysis_page", {"an_display": "words", "an_wd_code": "action.public_results", "an_wd_term": "考核"}, ()
    yield "agreement_page", {}, ()
    yield "agreement_page", {"icr_unit": "turn"}, ()
    yield "export_page", {}, ()
    yield "codebook_page", {}, ("propose-action.public_results",)  # the keyword proposals' table
    yield "history_page", {"hist_limit": 2000}, ()
    yield "history_page", {"hist_limit": 2000, "hist_entity": "coding"}, ()
    yield "team_page", {}, ()
    yield "login_page", {}, ()


def _upload_results(project: Project, tmp_path: Path) -> list[tuple[str, dict[str, Any]]]:
    """What an upload of three files reported: one imported under an ID qcoder made (with a warning), one
    already in the project, one refused."""
    corpus = tmp_path / "corpus"
    made = UPLOADED
    results = [
        ("动态考核办法.txt", project.import_upload(corpus, "动态考核办法.txt", made.encode(), "policy")),
        ("20230110-P03.txt", project.import_upload(corpus, "20230110-P03.txt", POLICY.encode(), "policy")),
        ("20240230ZHY.txt", project.import_upload(corpus, "20240230ZHY.txt", "问：好。".encode(), "interview")),
    ]
    assert [r["status"] for _, r in results] == ["imported", "unchanged", "failed"]
    assert results[0][1]["assigned"] and results[0][1]["warnings"]
    return results


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_page_speaks_one_language(project, tmp_path, language):
    data = data_strings(project)
    found = []
    for module, state, clicks in views(project, tmp_path):
        at = opened(module, language, **state)
        for key in clicks:
            at.button(key=key).click().run()
        assert not at.exception, (module, state, [e.value for e in at.exception])
        skip = RETRIEVE_LEFT if module == "retrieve_page" else None
        found += [f"{module} {sorted(state)}: {p}" for p in problems(at, language, data, skip)]
    assert not found, "\n".join(dict.fromkeys(found))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_app_shell_speaks_one_language(project, language):
    at = AppTest.from_file(str(MAIN), default_timeout=30)
    at.session_state["language"] = language
    at.run()
    assert not at.exception
    assert not problems(at, language, data_strings(project), SHELL_BILINGUAL)


# What the pages say, word for word ---------------------------------------------------------------------


def event(project: Project, entity: str, action: str) -> dict[str, Any]:
    return next(e for e in project.audit_events(limit=5000) if e["entity"] == entity and e["action"] == action)


def test_history_says_each_change_as_a_sentence(project):
    accepted = event(project, "coding", "accept")
    assert sentence(accepted, "zh") == f"{ME}接受了建议 #{accepted['entity_id']}（结果运用公开化）"
    assert sentence(accepted, "en") == f"{ME} accepted suggestion #{accepted['entity_id']} (Publicising results)"
    undo = event(project, "coding", "undo")
    undone = undo["facts"]["undoes"]
    assert sentence(undo, "zh") == f"{ME}撤销了 #{undone}：移除编码 #{undo['entity_id']}"
    assert sentence(undo, "en") == f"{ME} undid #{undone}: coding #{undo['entity_id']} removed"
    emptied = next(e for e in project.audit_events(entity="source") if e["action"] == "update")
    assert sentence(emptied, "zh") == f"{ME}修改了 20231208-M05 的元数据：媒体已清空（原为“云江晚报”）"
    assert sentence(emptied, "en") == f"{ME} changed the metadata of 20231208-M05: Outlet emptied (was “云江晚报”)"
    tagged = event(project, "source", "tag")
    assert sentence(tagged, "zh").startswith("自动标注为 ") and sentence(tagged, "en").startswith("The tagger ")
    new_code = next(e for e in project.audit_events(entity="code") if e["entity_id"].startswith("action.q"))
    assert f"“{NEW_CODE}”" in sentence(new_code, "zh") and NEW_CODE in sentence(new_code, "en")  # no English name


def test_a_decision_says_what_was_done_and_how_many_are_left(project):
    pending = project.codings(source="20240115MJQ", status="suggested")
    assert len(pending) >= 2
    names = {"zh": {}, "en": {}}
    for code in project.codes()["codes"]:
        names["zh"][code["id"]] = code["name"]
        names["en"][code["id"]] = code["name_en"] or code["name"]
    done: dict[str, dict[str, Any]] = {}
    for nonce, (language, coding) in enumerate(zip(("zh", "en"), pending[:2], strict=True)):
        action = {"nonce": str(nonce), "kind": "accept", "id": coding["id"], "version": coding["version"]}
        answer(project, ME, "20240115MJQ", [action], done, lambda key, lang=language: STRINGS[key][lang],
               lambda exc: exc.en, names[language], language)  # fmt: skip
    left = len(pending) - 2
    first, second = pending[0]["code"], pending[1]["code"]
    assert done["0"] == {"ok": True, "message": f"已接受：{names['zh'][first]} · 还有 {left + 1} 条待审"}
    tail = f" · {left} left to review" if left else " · every suggestion in this source is reviewed"
    assert done["1"] == {"ok": True, "message": f"Accepted: {names['en'][second]}{tail}"}


def test_saving_metadata_keeps_a_missing_value_missing(project):
    at = opened("sources_page", "zh", edit_source="20231208-M05")
    labels = [w.label for w in at.text_input]
    assert {"标题", "媒体", "作者", "网址", "转述自（来源编号）"} <= set(labels)
    assert all(w.value != "None" for w in at.text_input)
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception and not at.error
    detail = project.source("20231208-M05")
    assert detail["title"] is None and "None" not in map(str, detail["meta"].values())
    frame = opened("sources_page", "en").dataframe[0].value
    assert "None" not in frame.astype(str).to_numpy().tolist()
