"""Analysis displays on a small corpus whose counts can be worked out by hand (see coder.analysis).

Two interviews with 马继强 (MJQ, one person), one with 沈海林 (SHL) and a policy text, coded by 研究者A:

    20240115MJQ  S1 以前考核就是走过场。           backstage
                 S2 现在排名都公示出来了！         public_results (排名都公示出来了), frontstage (公示出来了！大家都看得见: S2+S3)
                 S3 大家都看得见。                 frontstage
    20240118SHL  S1 我们街道的排名也公示了。       public_results and frontstage (the same span)
                 S2 以前大家都求稳。               backstage
    20240220MJQ  S1 嗯，就是那个考核以前走过场。   backstage
    20230110-P01 S1 各单位应当公示考核排名。       public_results

Sentences with each code: backstage 3, frontstage 3, public_results 3; public_results with frontstage in
2 sentences (MJQ S2, SHL S1): c = 2 / (3 + 3 − 2) = 0.5; backstage never with the others.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import openpyxl
import pytest
from sqlmodel import select

from coder.analysis.loading import selection
from coder.audit import TAGGER, coder_named
from coder.db.engine import retrying
from coder.db.models import AuditEvent, Coding
from coder.errors import QcoderError
from coder.project import Project
from tests.helpers import code_quotes, write

BACK, FRONT, PUBLIC = "scenario.backstage", "scenario.frontstage", "action.public_results"
FILES = {
    "interviews/20240115MJQ.txt": "---\nid: 20240115MJQ\nkind: interview\ndate: 2024-01-15\ninterviewee: 马继强\n"
    "role: 社区党委书记\norganization: 幸福社区\n---\n访谈者：请您谈谈考核改革。\n"
    "MJQ：以前考核就是走过场。现在排名都公示出来了！大家都看得见。\n",
    "interviews/20240118SHL.txt": "---\nid: 20240118SHL\nkind: interview\ndate: 2024-01-18\ninterviewee: 沈海林\n"
    "role: 街道办副主任\norganization: 东城街道\n---\n访谈者：街道怎么做？\nSHL：我们街道的排名也公示了。以前大家都求稳。\n",
    "interviews/20240220MJQ.txt": "---\nid: 20240220MJQ\nkind: interview\ndate: 2024-02-20\ninterviewee: 马继强\n"
    "role: 社区党委书记\norganization: 幸福社区\n---\n访谈者：再谈谈？\nMJQ：嗯，就是那个考核以前走过场。\n",
    "policy/20230110-P01.txt": "---\nid: 20230110-P01\nkind: policy\ndate: 2023-01-10\ntitle: 考核办法\n"
    "issuer: 区委组织部\n---\n第一条　各单位应当公示考核排名。\n",
}
QUOTES = {
    "20240115MJQ": [(BACK, "以前考核就是走过场"), (PUBLIC, "排名都公示出来了"), (FRONT, "公示出来了！大家都看得见")],
    "20240118SHL": [(PUBLIC, "排名也公示了"), (FRONT, "排名也公示了"), (BACK, "以前大家都求稳")],
    "20240220MJQ": [(BACK, "考核以前走过场")],
    "20230110-P01": [(PUBLIC, "各单位应当公示考核排名")],
}
NAMES = ("马继强", "沈海林")


@pytest.fixture
def project(cli, tmp_path) -> Project:
    code_quotes(cli, tmp_path, FILES, QUOTES)
    return Project.open(cli.url)


def cell(frame, a: str, b: str):
    return frame[(frame["a"] == a) & (frame["b"] == b)].iloc[0]


def add(project: Project, source: str, phrase: str, code: str, coder: str, status: str = "manual") -> int:
    """A coding of ``phrase``; a ``suggested`` one is the tagger's."""
    start = project.source(source)["text"].index(phrase)

    def work(session):
        row = Coding(source_id=source, code_id=code, start=start, end=start + len(phrase), status=status,
                     origin="tagger" if status == "suggested" else "manual",
                     coder_id=coder_named(session, TAGGER if status == "suggested" else coder).id)  # fmt: skip
        session.add(row)
        session.flush()
        return row.id

    return retrying(project.engine, work)


def text_of(data: bytes, fmt: str) -> str:
    """Everything a file says, as text (Word and Excel files unpacked)."""
    if fmt == "docx":
        document = docx.Document(io.BytesIO(data))
        cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data))
        return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)
    return data.decode("utf-8-sig")


# Co-occurrence ---------------------------------------------------------------------------------------


def test_cooccurrence_counts_sentences_once_per_pair_and_the_c_coefficient_matches_the_hand_count(project):
    frame = project.cooccurrence(selection())
    assert (cell(frame, BACK, BACK).n_ab, cell(frame, FRONT, FRONT).n_ab, cell(frame, PUBLIC, PUBLIC).n_ab) == (3, 3, 3)
    both = cell(frame, PUBLIC, FRONT)
    assert (both.n_a, both.n_b, both.n_ab, both.c) == (3, 3, 2, 0.5)
    assert cell(frame, FRONT, PUBLIC).n_ab == 2  # symmetric
    assert cell(frame, BACK, FRONT).n_ab == 0 and cell(frame, BACK, FRONT).c == 0.0
    assert frame.attrs["units"] == 7  # sentences carrying any of the codes
    # A second coder on the same span adds no sentence: counted once per pair.
    add(project, "20240115MJQ", "排名都公示出来了", FRONT, "研究者B")
    assert cell(project.cooccurrence(selection()), PUBLIC, FRONT).n_ab == 2


def test_cooccurrence_at_dimension_level_and_filtered_by_dimension(project):
    by_dimension = project.cooccurrence(selection(), level="dimension")
    assert set(by_dimension["a"]) == {"scenario", "structure", "action"}
    assert cell(by_dimension, "scenario", "action").n_ab == 2
    assert cell(by_dimension, "scenario", "scenario").n_ab == 6  # every sentence with backstage or frontstage
    only_action = project.cooccurrence(selection(dimensions=["action"]))
    assert {code.split(".")[0] for code in only_action["a"]} == {"action"} and PUBLIC in set(only_action["a"])


def test_a_cell_lists_the_passages_where_both_codes_occur(project):
    found = project.cooccurrence_quotes(PUBLIC, FRONT, selection())
    assert list(found["source"]) == ["20240115MJQ", "20240118SHL"]
    assert list(found["text"]) == ["排名都公示出来了！大家都看得见", "排名也公示了"]  # both codings, whole
    assert list(found["citation"]) == ["访谈记录：20240115MJQ", "访谈记录：20240118SHL"]
    assert project.cooccurrence_quotes(BACK, FRONT, selection()).empty


def test_suggestions_count_only_when_asked_and_are_marked(project):
    add(project, "20240115MJQ", "大家都看得见", BACK, "", status="suggested")
    assert cell(project.cooccurrence(selection()), BACK, FRONT).n_ab == 0
    asked = project.cooccurrence(selection(with_suggestions=True))
    assert cell(asked, BACK, FRONT).n_ab == 1 and asked.attrs["with_suggestions"]
    assert "not evidence" in project.display_report(asked, "md", "en").decode()
    assert "不含编码建议" in project.display_report(project.cooccurrence(selection()), "md").decode()
    passages = project.cooccurrence_quotes(BACK, FRONT, selection(with_suggestions=True))
    assert list(passages["statuses"]) == [["manual", "suggested"]]


def test_an_open_round_hides_the_other_coders_codings_from_every_display(project, cli):
    add(project, "20240118SHL", "以前大家都求稳", FRONT, "研究者B")
    assert cli("round", "open", "第一轮", "--source", "20240118SHL").exit_code == 0
    a, b = project.for_user("研究者A"), project.for_user("研究者B")
    assert cell(a.cooccurrence(selection()), BACK, FRONT).n_ab == 0
    assert cell(b.cooccurrence(selection()), BACK, FRONT).n_ab == 0  # B sees only B's codings there
    assert cell(b.cooccurrence(selection()), FRONT, FRONT).n_ab == 3  # B's one there, A's two elsewhere
    seen = a.framework("participant", selection())
    assert seen.set_index(["row_key", "code"]).at[("20240118SHL", FRONT), "count"] == 1  # A's own only
    assert a.words(selection(codes=[FRONT])).attrs["codings"] == 2  # A's own two
    assert b.words(selection(codes=[FRONT])).attrs["codings"] == 2  # A's outside the round, B's own inside
    assert a.kwic(selection(codes=[FRONT]), "以前").empty
    assert not b.kwic(selection(codes=[FRONT]), "以前").empty
    assert cell(project.cooccurrence(selection()), BACK, FRONT).n_ab == 1  # the command line administers


# Framework matrix ------------------------------------------------------------------------------------


def test_framework_rows_are_people_by_record_id_never_by_name(project):
    frame = project.framework("participant", selection())
    assert list(dict.fromkeys(frame["row_label"])) == ["MJQ · 20240115MJQ、20240220MJQ", "SHL · 20240118SHL"]
    mjq = frame.set_index(["row_key", "code"]).loc["20240115MJQ"]
    assert (mjq.at[BACK, "count"], mjq.at[FRONT, "count"], mjq.at[PUBLIC, "count"]) == (2, 1, 1)
    assert mjq.at[BACK, "citation"].startswith("访谈记录：")
    assert frame.attrs["unassigned"] == 1  # the policy text's coding has no participant
    for fmt in ("md", "xlsx", "docx", "csv", "json"):
        shown = text_of(project.display_report(frame, fmt), fmt)
        assert "20240220MJQ" in shown and not any(name in shown for name in NAMES), fmt


def test_framework_by_kind_organisation_and_role(project):
    by_kind = project.framework("kind", selection()).set_index(["row_key", "code"])
    assert (by_kind.at[("interview", PUBLIC), "count"], by_kind.at[("policy", PUBLIC), "count"]) == (2, 1)
    by_org = project.framework("organization", selection())
    assert set(by_org["row_key"]) == {"幸福社区", "东城街道"}
    assert set(project.framework("role", selection())["row_key"]) == {"社区党委书记", "街道办副主任"}


def test_the_strongest_quote_is_the_one_most_coders_agree_on(project):
    add(project, "20240220MJQ", "考核以前走过场", BACK, "研究者B")
    frame = project.framework("participant", selection()).set_index(["row_key", "code"])
    assert frame.at[("20240115MJQ", BACK), "quote"] == "考核以前走过场"
    assert frame.at[("20240115MJQ", BACK), "count"] == 2  # two coders, one passage


def test_a_summary_is_stored_attributed_audited_and_exported(project, cli):
    summary = '=HYPERLINK("x") 以前走过场 | <b>现在</b>公开'
    result = cli("matrix", "summary", "participant", "20240220MJQ", BACK, summary, "--coder", "研究者A")
    assert result.exit_code == 0, result.output
    frame = project.framework("participant", selection())
    row = frame.set_index(["row_key", "code"]).loc[("20240115MJQ", BACK)]  # stored under the person's row
    assert (row["summary"], row["summary_by"]) == (summary, "研究者A")
    audit = json.loads(cli("audit", "list", "--entity", "framework_summary", "--json").stdout)
    assert audit[0]["coder"] == "研究者A" and audit[0]["entity_id"] == f"participant:20240115MJQ:{BACK}"
    sheet = openpyxl.load_workbook(io.BytesIO(project.display_report(frame, "xlsx")))["3 各单元格的引文与摘要"]
    cells = [v for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert "'" + summary in cells and summary not in cells  # never run as a formula
    markdown = project.display_report(frame, "md").decode()
    assert "以前走过场 \\| &lt;b&gt;现在&lt;/b&gt;公开" in markdown and "<b>" not in markdown
    assert summary in text_of(project.display_report(frame, "docx"), "docx")
    project.set_framework_summary("participant", "20240115MJQ", BACK, "", "研究者A")  # empty removes it
    assert project.framework("participant", selection()).set_index(["row_key", "code"]).at[
        ("20240115MJQ", BACK), "summary"] == ""  # fmt: skip
    with Project.open(cli.url).engine.connect() as connection:
        actions = connection.execute(
            select(AuditEvent.action).where(AuditEvent.entity == "framework_summary").order_by(AuditEvent.id)
        ).scalars().all()  # fmt: skip
    assert actions == ["create", "delete"]


def test_in_an_open_round_a_coder_sees_and_writes_only_their_own_summaries_of_its_rows(project, cli):
    for name in ("研究者A", "研究者B"):  # users with passwords: PostgreSQL projects are in team mode
        assert cli("user", "add", name, "--role", "coder", "--password-stdin", input="长长的口令123\n").exit_code == 0
    project.set_framework_summary("participant", "20240118SHL", BACK, "A 的判断：求稳", "研究者A")
    assert cli("round", "open", "第一轮", "--source", "20240118SHL").exit_code == 0
    a, b = project.for_user("研究者A"), project.for_user("研究者B")
    seen_by_b = b.framework("participant", selection())
    assert "A 的判断：求稳" not in set(seen_by_b["summary"]) and "研究者A" not in set(seen_by_b["summary_by"])
    assert a.framework("participant", selection()).set_index(["row_key", "code"]).at[
        ("20240118SHL", BACK), "summary"] == "A 的判断：求稳"  # fmt: skip
    with pytest.raises(QcoderError) as refused:  # B cannot overwrite what B cannot see
        b.set_framework_summary("participant", "20240118SHL", BACK, "B 的判断", "研究者B")
    assert "20240118SHL" in refused.value.zh and "open round" in refused.value.en
    b.set_framework_summary("participant", "20240118SHL", FRONT, "B 的判断", "研究者B")  # a cell of B's own
    assert "B 的判断" not in set(a.framework("participant", selection())["summary"])
    project.set_framework_summary("kind", "interview", PUBLIC, "A 的访谈总结", "研究者A")
    assert "A 的访谈总结" not in set(b.framework("kind", selection())["summary"])  # the row holds the round's source
    everything = project.framework("participant", selection()).set_index(["row_key", "code"])  # the command line
    assert everything.at[("20240118SHL", BACK), "summary"] == "A 的判断：求稳"
    assert everything.at[("20240118SHL", FRONT), "summary"] == "B 的判断"


def test_a_row_with_a_summary_but_no_codings_is_shown_with_its_summary(project):
    project.set_framework_summary("kind", "media", BACK, "媒体尚未报道幕后", "研究者A")
    frame = project.framework("kind", selection())
    media = frame[frame["row_key"] == "media"].set_index("code")
    assert (
        media.at[BACK, "summary"] == "媒体尚未报道幕后" and media["count"].sum() == 0 and media.at[BACK, "quote"] == ""
    )
    assert "媒体尚未报道幕后" in project.display_report(frame, "md").decode()
    assert "media" not in set(project.framework("kind", selection(kinds=["interview"]))["row_key"])  # not selected
    assert "media" not in set(project.framework("kind", selection(dimensions=["action"]))["row_key"])  # nor its code


def test_summaries_refuse_unknown_rows_and_codes(project):
    for rows, key, code, named in (("participant", "20240101ABC", BACK, "20240101ABC"), ("kind", "report", BACK, "report"),
                                   ("organization", "西城街道", BACK, "西城街道"), ("participant", "20240115MJQ", "x.y", "x.y"),
                                   ("person", "20240115MJQ", BACK, "person")):  # fmt: skip
        with pytest.raises(QcoderError) as refused:
            project.set_framework_summary(rows, key, code, "摘要", "研究者A")
        assert named in refused.value.zh and named in refused.value.en


# Timeline --------------------------------------------------------------------------------------------


def test_the_timeline_places_codings_by_source_date_and_kind_without_gaps(project):
    frame = project.timeline(selection(), "quarter")
    assert frame.attrs["periods"] == ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1"]
    counts = frame.set_index(["code", "period", "kind"])["count"]
    assert counts[(PUBLIC, "2023Q1", "policy")] == 1 and counts[(PUBLIC, "2024Q1", "interview")] == 2
    assert counts[(BACK, "2023Q3", "interview")] == 0  # a quiet quarter is a zero, not a missing row
    months = project.timeline(selection(kinds=["interview"]), "month")
    assert months.attrs["periods"] == ["2024-01", "2024-02"] and set(months["kind"]) == {"interview"}
    assert months.set_index(["code", "period", "kind"]).at[(BACK, "2024-02", "interview"), "count"] == 1


def test_sources_without_a_date_are_reported_not_dropped_silently(project, cli):
    project.update_metadata("20230110-P01", {"date": None}, "研究者A")
    frame = project.timeline(selection(), "month")
    assert frame.attrs["undated"] == {"20230110-P01": 1}
    assert frame.attrs["periods"][0] == "2024-01"
    result = cli("matrix", "timeline", "--format", "md")
    assert result.exit_code == 0 and "20230110-P01" in result.stdout and "20230110-P01" in result.stderr


# Words -----------------------------------------------------------------------------------------------


def test_word_frequencies_drop_fillers_speaker_labels_and_the_interviewers_questions(project):
    terms = project.words(selection(kinds=["interview"]))
    counted = dict(zip(terms["term"], terms["count"], strict=True))
    assert counted["以前"] == 3 and counted["考核"] == 2
    assert not {"嗯", "就是", "那个", "MJQ", "SHL", "访谈者", "谈谈", "街道怎么做"} & set(counted)
    assert terms.attrs["read"] == "text"
    coded = project.words(selection(codes=[BACK]))
    assert coded.attrs["read"] == "coded" and set(coded["term"]) >= {"以前", "走过场", "求稳"}
    assert "公示" not in set(coded["term"])  # only the coded passages are read


def test_stop_words_are_stored_per_project_audited_and_replaced_from_a_file(project, cli, tmp_path):
    project.set_stopwords(project.stopwords() + "\n以前\n", "研究者A")
    assert "以前" not in set(project.words(selection(kinds=["interview"]))["term"])
    audit = json.loads(cli("audit", "list", "--entity", "setting", "--json").stdout)
    assert audit[0]["entity_id"] == "stopwords" and "以前" in audit[0]["summary"]
    project.set_stopwords("", "研究者A")  # back to the shipped list
    assert "以前" in set(project.words(selection(kinds=["interview"]))["term"])
    (tmp_path / "stop.txt").write_text("# ours\n考核\n", encoding="utf-8")
    result = cli(
        "matrix", "words", "--kind", "interview", "--stopwords", str(tmp_path / "stop.txt"), "--format", "json"
    )
    counted = {row["term"] for row in json.loads(result.stdout)["rows"]}
    assert "考核" not in counted and "就是" in counted  # the file replaces the list


def test_a_gbk_stop_word_file_is_read_as_sources_are_and_an_unreadable_one_is_refused_by_name(project, cli, tmp_path):
    (tmp_path / "gbk.txt").write_bytes("# 我们的停用词\n考核\n".encode("gbk"))
    result = cli("matrix", "words", "--kind", "interview", "--stopwords", str(tmp_path / "gbk.txt"), "--format", "json")
    assert result.exit_code == 0, result.output
    assert "考核" not in {row["term"] for row in json.loads(result.stdout)["rows"]}
    (tmp_path / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    refused = cli("matrix", "words", "--stopwords", str(tmp_path / "picture.txt"))
    assert refused.exit_code == 1
    zh, en = refused.stderr.split("\n", 1)
    assert "picture.txt" in zh and "picture.txt" in en


def test_kwic_lines_show_context_within_the_line_and_the_citation(project, cli):
    lines = project.kwic(selection(kinds=["interview"]), "走过场")
    assert list(lines["source"]) == ["20240115MJQ", "20240220MJQ"]
    assert list(lines["left"]) == ["以前考核就是", "嗯，就是那个考核以前"]  # after the speaker label
    assert list(lines["right"]) == ["。现在排名都公示出来了！大家都看得见。", "。"]
    assert lines["citation"].iloc[0] == "访谈记录：20240115MJQ"
    result = cli("matrix", "words", "--code", BACK, "--kwic", "走过场", "--lang", "en")
    assert result.exit_code == 0 and "“走过场” in context (2, matched as words" in result.stdout


def test_kwic_finds_a_term_as_a_word_so_its_lines_are_as_many_as_its_count(project):
    terms = project.words(selection())
    for term, count in zip(terms["term"], terms["count"], strict=True):
        assert len(project.kwic(selection(), term)) == count, term
    assert project.kwic(selection(), "过场").empty  # inside the word 走过场, never a word of its own


def test_participants_names_never_surface_in_word_counts_kwic_lines_or_the_cloud(project, cli, tmp_path):
    write(tmp_path / "more" / "20240301SHL.txt", "---\nkind: interview\ninterviewee: 沈海林\n---\n"
          "SHL：马继强书记说，马继强和沈海林都赞成公示。马继强书记还说考核要公开。\n")  # fmt: skip
    assert cli("import", str(tmp_path / "more")).exit_code == 0
    terms = project.words(selection())
    assert not set(NAMES) & set(terms["term"]) and "书记" in set(terms["term"])
    assert project.kwic(selection(), "马继强").empty
    lines = project.kwic(selection(), "书记")
    assert len(lines) == 2 and not any(name in "".join(lines["left"]) + "".join(lines["right"]) for name in NAMES)
    assert lines["left"].iloc[0] == "＊＊＊"  # blanked where it stood: the offsets still point at the text
    for fmt in ("md", "json"):
        assert not any(name in project.display_report(terms, fmt, kwic=lines).decode() for name in NAMES)


def test_kwic_lines_are_not_dropped_from_a_csv_file_but_refused(project, cli):
    result = cli("matrix", "words", "--kwic", "走过场", "--format", "csv")
    assert result.exit_code == 1
    zh, en = result.stderr.split("\n", 1)
    assert "CSV" in zh and "走过场" in zh and "--kwic" in en and "json" in en
    assert cli("matrix", "words", "--kwic", "走过场", "--format", "json").exit_code == 0


def test_whole_text_word_counts_say_nothing_about_codings_or_suggestions(project):
    for fmt, lang in (("md", "zh"), ("md", "en")):
        text = project.display_report(project.words(selection(with_suggestions=True)), fmt, lang).decode()
        assert not any(note in text for note in ("不含编码建议", "suggestions do not", "not evidence", "建议不是证据"))
    coded = project.display_report(project.words(selection(codes=[BACK])), "md", "en").decode()
    assert "suggestions do not" in coded


def test_the_word_cloud_is_a_png_drawn_with_a_cjk_font(project, cli, tmp_path, monkeypatch):
    from coder.analysis import cloud

    try:
        cloud.cjk_font()
    except QcoderError:
        pytest.skip("no CJK font on this machine (make browser installs fonts-wqy-zenhei)")
    result = cli("matrix", "words", "--kind", "interview", "-o", str(tmp_path / "cloud.png"))
    assert result.exit_code == 0 and (tmp_path / "cloud.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    monkeypatch.setenv("QCODER_CJK_FONT", "")
    monkeypatch.setattr(cloud, "KNOWN_FONTS", ())
    monkeypatch.setattr(cloud, "_fontconfig", lambda: [])
    with pytest.raises(QcoderError) as refused:
        cloud.word_cloud({"考核": 3})
    assert "fonts-wqy-zenhei" in refused.value.zh and "boxes" in refused.value.en


def test_a_configured_font_that_is_missing_or_has_no_chinese_glyphs_is_refused_by_name(monkeypatch, tmp_path):
    import matplotlib

    from coder.analysis import cloud

    latin = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    for font, rule in (("/nonexistent.ttf", "does not exist"), (str(latin), "中"), (str(tmp_path), "does not exist")):
        monkeypatch.setenv("QCODER_CJK_FONT", font)
        with pytest.raises(QcoderError) as refused:
            cloud.cjk_font()
        assert font in refused.value.zh and font in refused.value.en and rule in refused.value.en
    (tmp_path / "fake.ttf").write_bytes(b"not a font at all")
    monkeypatch.setenv("QCODER_CJK_FONT", str(tmp_path / "fake.ttf"))
    with pytest.raises(QcoderError, match=r"fake\.ttf"):
        cloud.cjk_font()
    chinese = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
    if chinese.is_file():
        monkeypatch.setenv("QCODER_CJK_FONT", str(chinese))
        assert cloud.cjk_font() == chinese


# Files and the command line --------------------------------------------------------------------------


@pytest.mark.parametrize("display", ["cooccurrence", "framework", "timeline", "words"])
def test_every_display_exports_to_every_format(project, cli, tmp_path, display):
    for fmt in ("md", "xlsx", "docx", "csv", "json"):
        out = tmp_path / f"{display}.{fmt}"
        result = cli("matrix", display, "-o", str(out))
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0 and not any(name in text_of(out.read_bytes(), fmt) for name in NAMES)
    assert "# " in (tmp_path / f"{display}.md").read_text(encoding="utf-8")


def test_the_c_coefficient_option_and_quotes_that_start_like_formulas(project, cli, tmp_path):
    markdown = cli("matrix", "cooccurrence", "--c-coefficient", "--dimension", "scenario", "--dimension", "action")
    assert markdown.exit_code == 0 and "0.50" in markdown.stdout and "c 系数 = n₁₂ ÷ (n₁ + n₂ − n₁₂)" in markdown.stdout
    add(project, "20230110-P01", "第一条", PUBLIC, "研究者A")  # “=…” cannot occur in this text: a summary can
    project.set_framework_summary("kind", "policy", PUBLIC, "@SUM(1)", "研究者A")
    out = tmp_path / "framework.xlsx"
    assert cli("matrix", "framework", "--rows", "kind", "-o", str(out)).exit_code == 0
    values = text_of(out.read_bytes(), "xlsx").splitlines()
    assert "'@SUM(1)" in values and "@SUM(1)" not in values


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["framework", "--rows", "person"], "person"),
        (["timeline", "--by", "year"], "year"),
        (["cooccurrence", "--level", "theme"], "theme"),
        (["cooccurrence", "--code", "no.such_code"], "no.such_code"),
        (["framework", "--kind", "blog"], "blog"),
        (["words", "--participant", "20990101XYZ"], "20990101XYZ"),
        (["cooccurrence", "--format", "pdf"], "pdf"),
        (["words", "--stopwords", "missing.txt"], "missing.txt"),
        (["words", "--format", "png"], "-o"),
        (["summary", "role", "局长", BACK, "摘要"], "局长"),
    ],
)
def test_cli_errors_name_the_bad_value_in_both_languages(project, cli, args, named):
    result = cli("matrix", *args)
    assert result.exit_code == 1
    zh, en = result.stderr.split("\n", 1)
    assert named in zh and named in en
