"""REFI-QDA exchange: `qcoder export qdpx`, `qcoder import FILE.qdpx`, `qcoder codebook export|import`.

Exports are checked against the standard's own schemas; a project survives qcoder → .qdpx → qcoder
unchanged; real names leave only when asked; and packages written the way other tools write them
(another .qde name, a Sources/ folder, BOM and CR LF, inline text, bad selections) import as a
researcher would expect.
"""

import json
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree
from sqlalchemy import create_engine, text
from sqlmodel import Session, select

from coder import codebook, codebook_sync
from coder.db.engine import make_engine
from coder.db.models import Coder, Coding, Memo, Participant, Source
from coder.export.qdpx_import import normalised_with_positions
from tests.conftest import ROOT
from tests.helpers import Cli, write
from tests.refi import foreign
from tests.refi.corpus import REAL_NAME, code, coded_project

SCHEMAS = ROOT.parent / "shared" / "refi-qda"
NS = {"q": foreign.NS}


def schema(name: str) -> etree.XMLSchema:
    if not (SCHEMAS / name).exists():
        pytest.skip(f"{SCHEMAS / name} (the official REFI-QDA schema) is not here: schema validation skipped")
    return etree.XMLSchema(file=str(SCHEMAS / name))


@pytest.fixture
def coded(cli: Cli, project_folder: Path) -> Cli:
    coded_project(cli, project_folder)
    return cli


def export(cli: Cli, path: Path, *flags: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    result = cli("export", "qdpx", "-o", str(path), *flags)
    assert result.exit_code == 0, result.output
    return path


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def qde(path: Path) -> etree._Element:
    return etree.fromstring(members(path)["project.qde"])


def empty_project(cli: Cli, sqlite_file: Path) -> Cli:
    """A fresh `qcoder init` with the same codebook: a new SQLite file, or the PostgreSQL schema emptied."""
    url = f"sqlite:///{sqlite_file}"
    if not cli.url.startswith("sqlite"):
        url = cli.url
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    fresh = Cli(url, cli.folder)
    assert fresh("init").exit_code == 0
    return fresh


def state(url: str) -> dict:
    """What a round trip must keep, in a form two databases can be compared by."""
    with Session(make_engine(url)) as session:
        coders = {c.id: c.name for c in session.exec(select(Coder))}
        codings = {
            c.id: (c.source_id, c.code_id, c.start, c.end, coders[c.coder_id]) for c in session.exec(select(Coding))
        }
        sources = session.exec(select(Source)).all()
        people = {p.id: p for p in session.exec(select(Participant))}
        interviews: dict[int, list[str]] = {}
        for source in sources:
            if source.participant_id:
                interviews.setdefault(source.participant_id, []).append(source.id)
        return {
            "sources": {
                s.id: {
                    "kind": s.kind,
                    "date": s.date,
                    "title": s.title,
                    "meta": s.meta,
                    "text": s.text,
                    "sha256": s.sha256,
                }
                for s in sources
            },
            "participants": sorted(
                (sorted(ids), people[pid].initials, people[pid].role, people[pid].organization)
                for pid, ids in interviews.items()
            ),
            "codes": codebook_sync.stored(session, full=True),
            "codings": sorted(
                (*codings[c.id], c.status, c.origin) for c in session.exec(select(Coding)) if c.status != "rejected"
            ),
            "memos": sorted(
                (coders[m.coder_id], str(codings.get(m.coding_id)), str(m.source_id), str(m.code_id), m.text)
                for m in session.exec(select(Memo))
            ),
        }


# -- export ------------------------------------------------------------------------------------------


def test_the_export_is_valid_against_the_official_schema_with_positions_in_code_points(coded):
    project_schema = schema("Project.xsd")
    for flags in [("--with-suggestions", "--with-names"), ()]:
        project_schema.assertValid(qde(export(coded, coded.folder / "out" / "project.qdpx", *flags)))
    package = coded.folder / "out" / "project.qdpx"
    root = qde(package)
    source = root.find("q:Sources/q:TextSource[@name='20240115MJQ']", NS)
    stored = members(package)[f"sources/{source.get('guid')}.txt"].decode("utf-8")
    assert stored.startswith("访谈者：请您谈谈考核改革。𠮷😀")  # two characters outside the BMP before the quote
    quotes = {
        stored[int(s.get("startPosition")) : int(s.get("endPosition"))]
        for s in source.iterfind("q:PlainTextSelection", NS)
    }
    assert {"以前考核就是走过场", "现在排名都公示出来了！"} <= quotes
    variables = {v.get("name"): v.get("typeOfVariable") for v in root.iterfind("q:Variables/q:Variable", NS)}
    assert variables["kind"] == "Text" and variables["date"] == "Date" and variables["synthetic"] == "Boolean"
    length = root.find("q:Variables/q:Variable[@name='length']", NS)  # 3 in one interview, 约40分钟 in the other
    assert length.findtext("q:Description", namespaces=NS).startswith("qcoder: values are JSON")
    assert [c.get("name") for c in root.iterfind("q:Cases/q:Case", NS)] == ["MJQ"]
    assert len(root.findall("q:Cases/q:Case/q:SourceRef", NS)) == 2  # both interviews with the one person


def test_evidence_is_exported_suggestions_only_when_asked_rejected_never(coded):
    statuses = [c["status"] for c in json.loads(coded("code", "list", "--json").stdout)]
    assert {"accepted", "manual", "suggested", "rejected"} <= set(statuses)

    def codings(*flags):
        return len(qde(export(coded, coded.folder / "counts.qdpx", *flags)).findall(".//q:Coding", NS))

    assert codings() == statuses.count("accepted") + statuses.count("manual")
    assert codings("--with-suggestions") == len(statuses) - statuses.count("rejected")


def test_exporting_twice_gives_the_same_bytes_and_guids_do_not_depend_on_the_rest(coded):
    first = export(coded, coded.folder / "one" / "project.qdpx").read_bytes()
    assert export(coded, coded.folder / "two" / "project.qdpx").read_bytes() == first
    guids = {e.get("guid") for e in qde(coded.folder / "one" / "project.qdpx").iter() if e.get("guid")}
    code(coded, "20230218-M03", "结果公开晾晒", "action.public_results", "丙")
    grown = {e.get("guid") for e in qde(export(coded, coded.folder / "three" / "project.qdpx")).iter() if e.get("guid")}
    assert guids < grown


def test_a_round_trip_into_an_empty_project_is_lossless(coded, tmp_path):
    package = export(coded, coded.folder / "first" / "project.qdpx", "--with-suggestions")
    before = state(coded.url)
    assert {row[5] for row in before["codings"]} == {"accepted", "manual", "suggested"}
    assert len(before["memos"]) == 4

    fresh = empty_project(coded, tmp_path / "fresh.sqlite")
    result = fresh("import", str(package), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["qdpx"][0]
    assert report["status"] == "imported" and report["skipped"] == [] and report["renamed"] == {}
    assert state(fresh.url) == before
    # What came back exports to the very same file.
    again = export(fresh, fresh.folder / "second" / "project.qdpx", "--with-suggestions")
    assert again.read_bytes() == package.read_bytes()
    # Importing it again changes nothing.
    repeat = json.loads(fresh("import", str(package), "--json").stdout)["qdpx"][0]
    assert repeat["status"] == "unchanged" and repeat["codings_unchanged"] == len(before["codings"])
    assert repeat["warnings"] == []
    assert state(fresh.url) == before


def test_real_names_leave_only_when_asked_and_are_stored_only_when_asked(coded, tmp_path):
    plain = export(coded, coded.folder / "plain" / "project.qdpx")
    assert not any(REAL_NAME.encode("utf-8") in data for data in members(plain).values())
    named = export(coded, coded.folder / "named" / "project.qdpx", "--with-names")
    assert [c.get("name") for c in qde(named).iterfind("q:Cases/q:Case", NS)] == [REAL_NAME]

    def participant(cli):
        shown = json.loads(cli("sources", "show", "20240115MJQ", "--json", "--with-names").stdout)
        return shown["participant"]

    fresh = empty_project(coded, tmp_path / "without.sqlite")
    result = fresh("import", str(named))
    assert "--with-names" in result.stderr
    assert participant(fresh)["name"] is None
    fresh = empty_project(coded, tmp_path / "with.sqlite")
    assert fresh("import", str(named), "--with-names").exit_code == 0
    assert participant(fresh) == {
        "initials": "MJQ",
        "role": "社区党委书记",
        "organization": "幸福社区",
        "name": REAL_NAME,
    }


# -- codebook exchange -------------------------------------------------------------------------------


def test_the_codebook_goes_out_as_valid_qdc_and_comes_back_as_the_same_codebook(sqlite_cli):
    folder = sqlite_cli.folder
    assert sqlite_cli("codebook", "export", "-o", "codes.qdc").exit_code == 0
    schema("Codebook.xsd").assertValid(etree.parse(str(folder / "codes.qdc")))
    result = sqlite_cli("codebook", "import", "codes.qdc", "-o", "back.yaml")
    assert result.exit_code == 0, result.output
    assert sqlite_cli("codebook", "check", "back.yaml").exit_code == 0

    def nodes(path):
        return [
            {k: v for k, v in vars(n).items() if k not in ("line", "parent_line")} for n in codebook.load(path).nodes
        ]

    assert nodes(folder / "back.yaml") == nodes(folder / "codebook.yaml")
    refused = sqlite_cli("codebook", "import", "codes.qdc", "-o", "back.yaml")
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert sqlite_cli("codebook", "import", "codes.qdc", "-o", "back.yaml", "--force").exit_code == 0


def test_another_tools_codebook_becomes_yaml_that_passes_the_check(sqlite_cli):
    write(
        sqlite_cli.folder / "theirs.qdc",
        """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="OtherQDA 2024"><Codes>
  <Code guid="{00000000-0000-4000-8000-000000000001}" name="组织结构" isCodable="true" color="#F80">
    <Code guid="{00000000-0000-4000-8000-000000000002}" name="分类分层" isCodable="true">
      <Description>按单位和岗位分类考核。</Description>
      <Code guid="{00000000-0000-4000-8000-000000000003}" name="Tier ranking" isCodable="true"/>
    </Code>
  </Code>
  <Code guid="{00000000-0000-4000-8000-000000000004}" name="基层减负" isCodable="true" color="red"/>
</Codes></CodeBook>""",
    )
    assert sqlite_cli("codebook", "import", "theirs.qdc", "-o", "theirs.yaml").exit_code == 0
    assert sqlite_cli("codebook", "check", "theirs.yaml").exit_code == 0
    book = yaml.safe_load((sqlite_cli.folder / "theirs.yaml").read_text(encoding="utf-8"))
    assert [(d["id"], d["name"], d.get("color")) for d in book["dimensions"]] == [
        ("zu_zhi_jie_gou", "组织结构", "#FF8800"),
        ("uncategorised", "未分类", None),
    ]
    assert [(c["id"], c["parent"], c["keywords"]) for c in book["codes"]] == [
        ("zu_zhi_jie_gou.fen_lei_fen_ceng", "zu_zhi_jie_gou", ["分类分层"]),
        ("zu_zhi_jie_gou.tier_ranking", "zu_zhi_jie_gou.fen_lei_fen_ceng", ["Tier", "ranking"]),
        ("uncategorised.ji_ceng_jian_fu", "uncategorised", ["基层减负"]),
    ]
    assert book["codes"][0]["definition"] == "按单位和岗位分类考核。"
    assert "color" not in book["codes"][2]  # "red" is not an RGB colour


# -- other tools' packages ---------------------------------------------------------------------------

TRANSCRIPT = "访谈者：请谈谈考核。\n王：以前考核走过场。\n\n访谈者：现在呢？\n王：现在结果公开，排名都贴出来了。\n"
SOURCE = "5A1B2C3D-0000-4000-8000-0000000000F1"
NOTE = "{0A1B2C3D-0000-4000-8000-00000000D001}"


def test_another_tools_package_with_other_qde_name_sources_folder_bom_and_crlf(cli, tmp_path):
    raw = TRANSCRIPT.replace("\n", "\r\n")  # what the positions count in: CR LF is two, the BOM nothing
    package = foreign.qdpx(
        tmp_path / "fieldwork.qdpx",
        {
            "Other.qde": foreign.project(
                foreign.codebook()
                + f"""<Sources><TextSource guid="{SOURCE}" name="20240301WL" plainTextPath="internal://{SOURCE}.txt">
                {foreign.selection(1, raw, "以前考核走过场", foreign.BACKSTAGE)}
                {foreign.selection(2, raw, "排名都贴出来了", foreign.PUBLIC, note=NOTE)}
                </TextSource></Sources>
                <Notes><Note guid="{NOTE}" name="批注" creatingUser="{foreign.USER}"><PlainTextContent>贴榜是关键</PlainTextContent></Note></Notes>"""
            ),
            f"Sources/{SOURCE}.txt": foreign.windows_text(TRANSCRIPT),
        },
    )
    result = cli("import", str(package), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["qdpx"][0]["sources_added"] == ["20240301WL"]
    shown = json.loads(cli("sources", "show", "20240301WL", "--json").stdout)
    assert shown["text"] == TRANSCRIPT  # stored with \n, no BOM
    codings = json.loads(cli("code", "list", "--source", "20240301WL", "--json").stdout)
    assert [(c["quote"], c["code"], c["coder"], c["status"], c["memos"]) for c in codings] == [
        ("以前考核走过场", "scenario.backstage", "王老师", "manual", []),
        ("排名都贴出来了", "action.public_results", "王老师", "manual", ["贴榜是关键"]),
    ]


def test_inline_text_imports_while_a_selection_out_of_range_is_refused_by_name(sqlite_cli, tmp_path):
    policy = "第一条　考核结果公开。\n第二条　排名张榜公布。"
    package = foreign.qdpx(
        tmp_path / "inline.qdpx",
        {
            "project.qde": foreign.project(
                foreign.codebook()
                + f"""<Sources><TextSource guid="{SOURCE}" name="20230315-P05">
                <PlainTextContent>{policy}</PlainTextContent>
                {foreign.selection(1, policy, "排名张榜公布", foreign.PUBLIC)}
                <PlainTextSelection guid="{{BAD00000-0000-4000-8000-000000000001}}" startPosition="20" endPosition="999">
                  <Coding guid="{{BAD00000-0000-4000-8000-000000000002}}"><CodeRef targetGUID="{foreign.PUBLIC}"/></Coding>
                </PlainTextSelection></TextSource></Sources>"""
            )
        },
    )
    result = sqlite_cli("import", str(package), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)["qdpx"][0]
    assert report["sources_added"] == ["20230315-P05"] and report["codings_added"] == 1
    [problem] = report["skipped"]
    assert "{BAD00000-0000-4000-8000-000000000001}" in problem and "[20, 999)" in problem
    assert "超出正文范围" in problem and "out of range" in problem
    quotes = [c["quote"] for c in json.loads(sqlite_cli("code", "list", "--json").stdout)]
    assert quotes == ["排名张榜公布"]


def test_two_project_files_are_refused_naming_both_and_nothing_is_written(sqlite_cli, tmp_path):
    body = foreign.project(foreign.codebook())
    package = foreign.qdpx(tmp_path / "two.qdpx", {"Alpha.qde": body, "Beta.qde": body})
    result = sqlite_cli("import", str(package))
    assert result.exit_code == 1
    assert "Alpha.qde, Beta.qde" in result.stderr and "多个 .qde" in result.stderr
    assert json.loads(sqlite_cli("sources", "list", "--json").stdout) == []


def test_without_new_codes_codings_of_codes_not_in_the_codebook_are_listed_and_the_rest_imports(sqlite_cli, tmp_path):
    text_ = "考核结果公开。基层减负见成效。"
    package = foreign.qdpx(
        tmp_path / "theirs.qdpx",
        {
            "project.qde": foreign.project(
                foreign.codebook()
                + f"""<Sources><TextSource guid="{SOURCE}" name="20230315-M07"><PlainTextContent>{text_}</PlainTextContent>
                {foreign.selection(1, text_, "考核结果公开", foreign.PUBLIC)}
                {foreign.selection(2, text_, "基层减负", foreign.UNKNOWN)}
                {foreign.selection(3, text_, "见成效", "{0A1B2C3D-0000-4000-8000-00000000C000}")}
                </TextSource></Sources>"""
            )
        },
    )
    result = sqlite_cli("import", str(package), "--no-new-codes", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)["qdpx"][0]
    assert report["codings_added"] == 1 and report["codes_added"] == []
    dimension, unknown, hint = report["skipped"]
    assert "“场景”" in dimension and "is the dimension scenario" in dimension
    assert "“基层减负”" in unknown and "is not in the codebook" in unknown
    assert f"qcoder codebook import {package}" in hint
    # The file's codebook comes out as YAML to copy codes from.
    assert sqlite_cli("codebook", "import", str(package), "-o", "theirs.yaml").exit_code == 0
    book = yaml.safe_load((sqlite_cli.folder / "theirs.yaml").read_text(encoding="utf-8"))
    assert {"id": "uncategorised.ji_ceng_jian_fu", "name": "基层减负", "parent": "uncategorised",
            "definition": "减轻基层负担的做法", "keywords": ["基层减负"], "color": "#112233"} in book["codes"]  # fmt: skip


def test_sources_not_named_by_record_id_get_one_when_they_can(sqlite_cli, tmp_path):
    kind, date, issuer = (f"{{0A1B2C3D-0000-4000-8000-00000000E00{n}}}" for n in range(3))

    def source(n, name, body, **values):
        holders = "".join(
            f'<VariableValue><VariableRef targetGUID="{guid}"/><{tag}>{value}</{tag}></VariableValue>'
            for guid, tag, value in values.values()
        )
        return f'<TextSource guid="{SOURCE[:-1]}{n}" name="{name}"><PlainTextContent>{body}</PlainTextContent>{holders}</TextSource>'

    sources = (
        source(1, "青川区考核办法", "第一条　考核结果公开。", kind=(kind, "TextValue", "policy"),
               date=(date, "DateValue", "2023-01-10"), issuer=(issuer, "TextValue", "青川区委组织部"))
        + source(2, "青川日报报道", "考核排名张榜公布。", date=(date, "DateValue", "2023-02-18"))
        + source(3, "王老师访谈", "问：好。", kind=(kind, "TextValue", "interview"))
        + source(4, "没有日期的通知", "通知全文。", kind=(kind, "TextValue", "policy"))
    )  # fmt: skip
    variables = f"""<Variables><Variable guid="{kind}" name="Kind" typeOfVariable="Text"/>
        <Variable guid="{date}" name="date" typeOfVariable="Date"/>
        <Variable guid="{issuer}" name="发文机关" typeOfVariable="Text"/></Variables>"""
    package = foreign.qdpx(
        tmp_path / "names.qdpx", {"project.qde": foreign.project(f"{variables}<Sources>{sources}</Sources>")}
    )
    result = sqlite_cli("import", str(package), "--kind", "media", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)["qdpx"][0]
    assert report["renamed"] == {"青川区考核办法": "20230110-P01", "青川日报报道": "20230218-M01"}
    interview, undated = report["skipped"]
    # One message names everything missing (here the date and the initials) and the way out: --plan / --map.
    assert "王老师访谈" in interview and "missing date" in interview and "initials" in interview
    assert "--plan" in interview and "--map" in interview
    assert "没有日期的通知" in undated and "missing date" in undated and "kind" not in undated.split("missing")[1]
    shown = json.loads(sqlite_cli("sources", "show", "20230110-P01", "--json").stdout)
    assert (shown["kind"], shown["date"], shown["title"], shown["meta"]) == (
        "policy", "2023-01-10", "青川区考核办法", {"发文机关": "青川区委组织部"}
    )  # fmt: skip
    # Importing the same file again finds the same sources instead of numbering them anew.
    again = json.loads(sqlite_cli("import", str(package), "--kind", "media", "--json").stdout)["qdpx"][0]
    assert again["renamed"] == report["renamed"] and again["sources_added"] == []
    assert len(json.loads(sqlite_cli("sources", "list", "--json").stdout)) == 2


def test_a_source_whose_id_exists_is_never_overwritten(sqlite_cli, tmp_path):
    write(tmp_path / "policy" / "20230110-P03.txt", "---\ntitle: 原标题\n---\n第一条　原文。")
    assert sqlite_cli("import", str(tmp_path / "policy")).exit_code == 0

    def package(name, text, title):
        title_variable = '<Variable guid="{0A1B2C3D-0000-4000-8000-00000000E001}" name="title" typeOfVariable="Text"/>'
        value = '<VariableValue><VariableRef targetGUID="{0A1B2C3D-0000-4000-8000-00000000E001}"/>'
        source = f'<TextSource guid="{SOURCE}" name="20230110-P03"><PlainTextContent>{text}</PlainTextContent>'
        body = f"<Variables>{title_variable}</Variables><Sources>{source}{value}<TextValue>{title}</TextValue></VariableValue></TextSource></Sources>"
        return foreign.qdpx(tmp_path / name, {"project.qde": foreign.project(body)})

    refused = sqlite_cli("import", str(package("clash.qdpx", "第一条　改过的文字。", "原标题")))
    assert refused.exit_code == 1
    assert "20230110-P03" in refused.stderr and "nothing is overwritten" in refused.stderr
    retitled = sqlite_cli("import", str(package("retitled.qdpx", "第一条　原文。", "新标题")), "--json")
    assert retitled.exit_code == 0
    [warning] = json.loads(retitled.stdout)["qdpx"][0]["warnings"]
    assert "title in the file differ" in warning
    shown = json.loads(sqlite_cli("sources", "show", "20230110-P03", "--json").stdout)
    assert (shown["text"], shown["title"]) == ("第一条　原文。", "原标题")


def test_positions_map_from_the_raw_text_to_the_stored_text():
    raw = "甲\r\n乙e\u0301丙\r丁\ufeff戊"
    stored, positions = normalised_with_positions(raw)
    assert stored == "甲\n乙\u00e9丙\n丁戊"
    for char in "甲乙丙丁戊":
        assert stored[positions[raw.index(char)]] == char
    assert positions[len(raw)] == len(stored)


def test_a_variable_whose_values_are_all_lists_goes_out_as_json_and_comes_back_a_list():
    from coder.export import qdpx

    variables = qdpx._variables({"s1": {"keywords": ["考核", "公示"]}, "s2": {"keywords": ["排名"]}, "s3": {}})
    assert variables["keywords"] == ("Text", True)  # was written as a Python repr, read back as a string
