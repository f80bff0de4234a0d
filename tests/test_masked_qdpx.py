"""`qcoder export qdpx --masked` (issue 19): a de-identified REFI-QDA project, on each database.

The masked file is still valid against the standard's schema; no confirmed name, and no interviewee's stored
name, is in any member of the zip; every selection, read from the masked text at its exported positions, is
what a masked quote export shows for that coding (a coding that begins or ends inside a name covers the whole
replacement); qcoder's own importer reads it back with every coding; and without --masked the file is the same
bytes as ever.
"""

import collections
import json

import pytest
from sqlmodel import Session, select

from coder.db.engine import make_engine
from coder.db.models import Coder, Coding, Source
from coder.errors import QcoderError
from coder.export.qdpx import export_project
from coder.masking import store as mask_store
from coder.masking.apply import Masker
from coder.project import Project
from tests.helpers import Cli, page_app, write
from tests.test_refi_qda import NS, empty_project, export, members, qde, schema

# Synthetic fieldwork, written for this test.
INTERVIEW = """---
id: 20240322ZHM
kind: interview
date: 2024-03-22
interviewee: 赵海明
role: 村党支部书记
organization: 柳溪村村委会
synthetic: true
---
访谈者：积分制是怎么推开的？
ZHM：先是柳溪村试点，孙主任每周来一次。赵海明我自己也拿不准，后来请教了县里的周科长，才把台账理顺，大家马上就服气了。
"""
MEDIA = """---
id: 20240405-M07
kind: media
date: 2024-04-05
title: 柳溪村的积分台账
outlet: 县融媒体中心
places: [柳溪村, 青石县]
synthetic: true
---
记者走进柳溪村，孙主任正在核对积分台账。他说，积分制让村民看得见、比得出，结果公开。
"""
INTERVIEWEE = "赵海明"
CONFIRMED = (("孙主任", "person"), ("周科长", "person"), ("柳溪村", "place"))
NAMES = (INTERVIEWEE, *(mention for mention, _ in CONFIRMED))
# The first line of a memo cut at 40 characters (a Note's name) would end inside the interviewee's name.
LONG_MEMO = (
    "这一段写的是试点第一年的情形，台账由村里两名文书轮流登记，最后一次核对的人是" + INTERVIEWEE + "本人\n第二行"
)


def text_of(cli: Cli, source: str) -> str:
    return json.loads(cli("sources", "show", source, "--json").stdout)["text"]


def code(cli: Cli, source: str, start: int, end: int, code_id: str, coder: str, *memo: str) -> None:
    result = cli("code", "add", "--source", source, "--start", str(start), "--end", str(end), "--code", code_id,
                 "--coder", coder, *(("--memo", memo[0]) if memo else ()))  # fmt: skip
    assert result.exit_code == 0, result.output


@pytest.fixture
def coded(cli: Cli) -> Cli:
    """Two sources coded by hand by two coders (one coding begins inside the interviewee's name, one ends inside
    a confirmed name), tagger suggestions accepted in the media report, memos naming people, and a mask list."""
    folder = cli.folder
    write(folder / "corpus" / "interviews" / "20240322ZHM.txt", INTERVIEW)
    write(folder / "corpus" / "media" / "20240405-M07.txt", MEDIA)
    assert cli("import", str(folder / "corpus")).exit_code == 0
    text = text_of(cli, "20240322ZHM")
    inside = text.index("海明我自己")  # begins inside 赵海明
    code(cli, "20240322ZHM", inside, text.index("拿不准") + 3, "scenario.backstage", "甲")
    code(
        cli, "20240322ZHM", text.index("先是柳溪村"), text.index("孙主任") + 2, "structure.tiering", "甲"
    )  # ends inside
    whole = text.index("后来请教")
    code(
        cli,
        "20240322ZHM",
        whole,
        text.index("理顺") + 2,
        "structure.tiering",
        "乙",
        "周科长的说法待核对，柳溪村台账另查",
    )
    media = text_of(cli, "20240405-M07")
    code(cli, "20240405-M07", media.index("孙主任"), media.index("台账。") + 2, "action.public_results", "乙")
    assert cli("tag").exit_code == 0
    assert cli("review", "accept", "--source", "20240405-M07", "--coder", "乙").exit_code == 0
    assert cli("memo", "add", LONG_MEMO, "--source", "20240322ZHM", "--coder", "甲").exit_code == 0
    for mention, kind in CONFIRMED:
        assert cli("mask", "add", mention, "--kind", kind).exit_code == 0, mention
    return cli


def masker_of(cli: Cli) -> Masker:
    with Session(make_engine(cli.url)) as session:
        return mask_store.masker(session)


def evidence(cli: Cli) -> list[tuple[Coding, str]]:
    with Session(make_engine(cli.url)) as session:
        rows = session.exec(
            select(Coding, Source.text)
            .join(Source, Source.id == Coding.source_id)
            .where(Coding.status.in_(("accepted", "manual")))
        ).all()
        session.expunge_all()
        return list(rows)


def test_the_masked_export_is_valid_and_says_that_names_were_masked(coded):
    project_schema = schema("Project.xsd")
    for flags in [("--masked",), ("--masked", "--with-suggestions")]:
        project_schema.assertValid(qde(export(coded, coded.folder / "out" / "masked.qdpx", *flags)))
    description = qde(coded.folder / "out" / "masked.qdpx").findtext("q:Description", namespaces=NS)
    assert "已按项目屏蔽列表（4 项）" in description and "masked by the project's mask list (4 entries)" in description
    assert qde(export(coded, coded.folder / "out" / "plain.qdpx")).find("q:Description", NS) is None


def test_no_confirmed_or_interviewee_name_is_in_any_member_of_the_zip(coded):
    for flags in [("--masked",), ("--masked", "--with-suggestions")]:
        files = members(export(coded, coded.folder / "out" / "masked.qdpx", *flags))
        assert len(files) == 3  # project.qde and the two texts
        for member, data in files.items():
            shown = data.decode("utf-8")
            assert [name for name in NAMES if name in shown] == [], member
            assert "赵海" not in shown, member  # not even the part of the name a cut memo title would hold
        everything = "".join(data.decode("utf-8") for data in files.values())
        for replacement in ("ZHM我自己", "S主任", "Z科长", "L村"):
            assert replacement in everything
        assert "马上就服气" in everything  # a false friend stays
    root = qde(coded.folder / "out" / "masked.qdpx")
    memo = next(n for n in root.iterfind("q:Notes/q:Note", NS) if n.get("name").startswith("这一段"))
    assert memo.get("name").endswith("核对的人是ZH") and memo.findtext("q:PlainTextContent", namespaces=NS).endswith(
        "第二行"
    )
    values = [v.findtext("q:TextValue", namespaces=NS) for v in root.iterfind(".//q:VariableValue", NS)]
    assert "L村的积分台账" in values and "L村村委会" in values  # a title and an organisation
    assert any("L村" in v and "青石县" in v for v in values if v)  # a list of places, masked inside
    assert [c.get("name") for c in root.iterfind("q:Cases/q:Case", NS)] == ["ZHM"]
    # Without --masked the file holds the names, as the researcher's own project always did.
    plain = members(export(coded, coded.folder / "out" / "plain.qdpx"))
    assert "孙主任" in b"".join(plain.values()).decode("utf-8")


def test_each_selection_is_the_masked_quote_of_its_coding_in_the_masked_text(coded):
    package = export(coded, coded.folder / "out" / "masked.qdpx", "--masked")
    root, files, masker = qde(package), members(package), masker_of(coded)
    selections: dict[str, list[str]] = collections.defaultdict(list)
    coding_count = 0
    for source in root.iterfind("q:Sources/q:TextSource", NS):
        masked = files[f"sources/{source.get('guid')}.txt"].decode("utf-8")
        for selection in source.iterfind("q:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert 0 <= start < end <= len(masked)  # code points into the masked file
            selections[source.get("name")].append(masked[start:end])
            coding_count += len(selection.findall("q:Coding", NS))
    rows = evidence(coded)
    assert coding_count == len(rows)
    expected: dict[str, set[str]] = collections.defaultdict(set)
    for coding, text in rows:
        expected[coding.source_id].add(masker.mask_span(text, coding.start, coding.end))
    assert {k: sorted(set(v)) for k, v in selections.items()} == {k: sorted(v) for k, v in expected.items()}
    quotes = selections["20240322ZHM"]
    assert "ZHM我自己也拿不准" in quotes  # began inside the interviewee's name: the whole replacement
    assert "先是L村试点，S主任" in quotes  # ended inside 孙主任: the whole replacement
    assert "后来请教了县里的Z科长，才把台账理顺" in quotes


def test_the_masked_file_comes_back_through_qcoders_own_importer(coded, tmp_path):
    package = export(coded, coded.folder / "out" / "masked.qdpx", "--masked")
    before = collections.Counter(c.status for c, _ in evidence(coded))
    fresh = empty_project(coded, tmp_path / "fresh.sqlite")
    result = fresh("import", str(package), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["qdpx"][0]
    assert report["status"] == "imported" and report["skipped"] == []
    after = collections.Counter(c.status for c, _ in evidence(fresh))
    assert after == before  # every coding, its status recovered from its GUID
    with Session(make_engine(fresh.url)) as session:
        texts = [s.text for s in session.exec(select(Source)).all()]
        coders = {c.name for c in session.exec(select(Coder)).all()}
    assert len(texts) == 2 and not any(name in text for text in texts for name in NAMES)
    assert {"甲", "乙"} <= coders
    memos = fresh("memo", "list", "--json").stdout
    assert "ZHM" in memos and INTERVIEWEE not in memos


def test_without_masked_the_file_is_the_same_bytes_as_before_the_mask_list(cli):
    folder = cli.folder
    write(folder / "corpus" / "interviews" / "20240322ZHM.txt", INTERVIEW)
    assert cli("import", str(folder / "corpus")).exit_code == 0
    text = text_of(cli, "20240322ZHM")
    code(
        cli, "20240322ZHM", text.index("海明我自己"), text.index("拿不准") + 3, "scenario.backstage", "甲", "孙主任说的"
    )
    first = export(cli, folder / "one" / "project.qdpx").read_bytes()
    for mention, kind in CONFIRMED:
        assert cli("mask", "add", mention, "--kind", kind).exit_code == 0
    assert export(cli, folder / "two" / "project.qdpx").read_bytes() == first
    with Session(make_engine(cli.url)) as session:  # an empty mask list masks nothing: the same bytes
        assert export_project(session, "project", masker=Masker([])) == first
        assert export_project(session, "project", masker=mask_store.masker(session)) != first


def test_masked_with_names_is_refused_naming_both_options(coded):
    out = coded.folder / "out" / "both.qdpx"
    result = coded("export", "qdpx", "-o", str(out), "--masked", "--with-names")
    assert result.exit_code != 0
    assert "--masked" in result.output and "--with-names" in result.output
    assert "矛盾" in result.output and "contradict" in result.output
    assert not out.exists()
    with pytest.raises(QcoderError, match="contradict"):
        Project.open(coded.url).export_qdpx("project", with_names=True, masked=True)


def test_the_export_page_offers_masking_for_the_qdpx(monkeypatch, coded):
    monkeypatch.setenv("QCODER_DB_URL", coded.url)
    at = page_app("export_page").run()
    assert not at.exception
    toggle = at.toggle(key="exp_qdpx_masked")
    assert toggle.label == "屏蔽名单中的姓名与地名" and toggle.value is False
    toggle.set_value(True).run()
    assert not at.exception


def test_two_codings_that_differ_only_inside_a_name_become_one_selection_with_unique_guids(cli, tmp_path):
    folder = cli.folder
    write(folder / "corpus" / "interviews" / "20240322ZHM.txt", INTERVIEW)
    assert cli("import", str(folder / "corpus")).exit_code == 0
    text = text_of(cli, "20240322ZHM")
    end = text.index("拿不准") + 3
    code(cli, "20240322ZHM", text.index("海明我自己"), end, "scenario.backstage", "甲", "从名字中间开始")
    code(cli, "20240322ZHM", text.index("赵海明我自己"), end, "scenario.backstage", "甲", "从名字开头开始")
    root = qde(export(cli, folder / "out" / "masked.qdpx", "--masked"))
    schema("Project.xsd").assertValid(root)
    guids = [e.get("guid") for e in root.iter() if e.get("guid")]
    assert len(guids) == len(set(guids))
    (selection,) = root.iterfind(".//q:PlainTextSelection", NS)
    assert len(selection.findall("q:Coding", NS)) == 2
    fresh = empty_project(cli, tmp_path / "fresh.sqlite")
    report = json.loads(fresh("import", str(folder / "out" / "masked.qdpx"), "--json").stdout)["qdpx"][0]
    assert (report["codings_added"], report["codings_unchanged"], report["skipped"]) == (1, 1, [])
