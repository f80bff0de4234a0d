"""Another tool's project comes over whole (coder.export.qdpx_import, qdpx_plan, foreign_codes).

A MAXQDA 24 export whose sources carry only their titles and creation dates imports every source with
one documented command; the codes the codebook lacks join codebook.yaml under a dimension of their own,
hierarchy, colours and descriptions kept, codings on coded parents too; the other tool's GUIDs are kept
and written back on export; ``--plan`` and ``--map`` let a researcher decide the IDs; interviews take
their initials from variables or their Case; two imports at once never hand out one ID twice.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import threading
import time
from pathlib import Path

import pytest
import yaml
from lxml import etree
from sqlalchemy import create_engine
from sqlmodel import Session, select

from coder import codebook, demo
from coder.db.engine import make_engine
from coder.db.models import AuditEvent, Code, Coding, Participant, Setting, Source
from coder.export import foreign_codes
from coder.export.qdpx_import import import_qdpx
from coder.export.refi import guid_key
from coder.project import Project
from tests import concurrency_worker
from tests.helpers import Cli
from tests.refi import foreign, maxqda
from tests.test_concurrency import run_workers
from tests.test_outputs import REFUSE_THE_VERSION
from tests.test_refi_qda import NS, export, members, qde, schema

DAYS = [created[:10].replace("-", "") for created in maxqda.CREATED]  # the day as written, in its own offset
IDS = {title: f"{day}-P{n:02d}" for n, (title, day) in enumerate(zip(maxqda.TITLES, DAYS, strict=True), 1)}
NEW_CODES = {"政策执行", "层层加码", "选择性执行", "考核机制", "排名公示", "末位约谈", "场景", "基层减负"}


def imported(cli: Cli, *args: str) -> tuple[int, dict]:
    result = cli("import", *args, "--json")
    return result.exit_code, json.loads(result.stdout)["qdpx"][0]


def codes_of(cli: Cli) -> dict[str, dict]:
    """The codebook file's imported codes by name."""
    book = yaml.safe_load((cli.folder / "codebook.yaml").read_text(encoding="utf-8"))
    return {c["name"]: c for c in book["codes"] if c["id"].startswith("imported_maxqda.")}


@pytest.fixture
def package(cli: Cli) -> Path:
    return maxqda.package(cli.folder / "考核研究.qdpx")


def test_a_maxqda_project_imports_every_source_with_one_command(cli, package):
    original = (cli.folder / "codebook.yaml").read_text(encoding="utf-8")
    code, report = imported(cli, str(package), "--kind", "policy")
    assert code == 0, report
    assert report["renamed"] == IDS and sorted(report["sources_added"]) == sorted(IDS.values())
    assert IDS[maxqda.TITLES[0]] == "20230301-P01"  # created 00:30 in Beijing: 28 February in UTC
    assert report["skipped"] == []
    [code_set] = [w for w in report["warnings"] if "重点代码" in w]
    assert "2 codes" in code_set and "not imported" in code_set
    shown = json.loads(cli("sources", "show", "20230301-P01", "--json").stdout)
    assert (shown["kind"], shown["date"], shown["title"]) == ("policy", "2023-03-01", maxqda.TITLES[0])
    assert shown["meta"] == {"sets": ["第一批文件"]}  # the document set, as metadata
    assert json.loads(cli("sources", "show", "20230305-P06", "--json").stdout)["meta"] == {}

    # The codes came over whole, below a dimension of their own, hierarchy and all.
    book = yaml.safe_load((cli.folder / "codebook.yaml").read_text(encoding="utf-8"))
    assert {"id": "imported_maxqda", "name": "导入的代码（MAXQDA）"}.items() <= book["dimensions"][-1].items()
    codes = codes_of(cli)
    assert set(codes) == NEW_CODES  # 结果运用公开化 is the codebook's action.public_results
    assert codes["层层加码"]["parent"] == codes["政策执行"]["id"] == "imported_maxqda.zheng_ce_zhi_xing"
    assert codes["基层减负"]["parent"] == codes["场景"]["id"]  # 场景 is a code here, not the dimension scenario
    assert codes["层层加码"]["definition"] == "上级任务在逐级下达中被加重。"
    assert codes["政策执行"]["color"] == "#E15759"
    assert codes["政策执行"]["guid"] == guid_key(maxqda.CODES["政策执行"][0])
    new_text = (cli.folder / "codebook.yaml").read_text(encoding="utf-8")
    assert new_text.startswith(original.split("\ncodes:")[0].split("\n  - id: structure")[0])
    assert all(line in new_text for line in original.splitlines() if line.lstrip().startswith("#"))
    listed = {c["id"] for c in json.loads(cli("codes", "list", "--json").stdout)["codes"]}
    assert {c["id"] for c in codes.values()} <= listed

    # Every coding came in, those on the coded parent 政策执行 too.
    codings = json.loads(cli("code", "list", "--json").stdout)
    assert len(codings) == 50 and {(c["status"], c["coder"]) for c in codings} == {("manual", "李研究员")}
    on = {(c["source"], c["code"], c["quote"]) for c in codings}
    assert ("20230301-P01", codes["政策执行"]["id"], "层层加码") in on
    assert ("20230309-P10", "action.public_results", "考核排名按季度公示") in on

    with Session(make_engine(cli.url)) as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "source", AuditEvent.entity_id == "20230301-P01")
        ).one()
        assert "20230301-P01" in event.after["assigned_id"] and "creationDateTime" in event.after["assigned_id"]
        assert session.get(Source, "20230301-P01").guid == guid_key(maxqda.source_guid(0))
        assert all(c.guid and c.selection_guid for c in session.exec(select(Coding)))

    # The same file again (with or without --kind: the sources are found by their GUIDs) adds nothing.
    for again in (("--kind", "policy"), ()):
        code, repeat = imported(cli, str(package), *again)
        assert code == 0 and repeat["status"] == "unchanged", repeat
        assert repeat["codes_added"] == [] and repeat["renamed"] == IDS and repeat["codings_unchanged"] == 50
        assert repeat["warnings"] == [code_set]
    assert (cli.folder / "codebook.yaml").read_text(encoding="utf-8") == new_text


def test_the_other_tools_guids_are_written_back_and_the_export_is_valid(cli, package):
    assert imported(cli, str(package), "--kind", "policy")[0] == 0
    exported = export(cli, cli.folder / "out" / "back.qdpx")
    root = qde(exported)
    schema("Project.xsd").assertValid(root)
    sources = {e.get("name"): e.get("guid") for e in root.iterfind("q:Sources/q:TextSource", NS)}
    assert sources == {IDS[title]: guid_key(maxqda.source_guid(n)) for n, title in enumerate(maxqda.TITLES)}
    assert f"sources/{guid_key(maxqda.source_guid(0))}.txt" in members(exported)
    codes = {e.get("name"): e.get("guid") for e in root.iter(f"{{{NS['q']}}}Code")}
    assert all(codes[name] == guid_key(maxqda.CODES[name][0]) for name in NEW_CODES)
    first = root.find(f"q:Sources/q:TextSource[@name='{IDS[maxqda.TITLES[0]]}']", NS)
    selections = {e.get("guid") for e in first.iterfind("q:PlainTextSelection", NS)}
    codings = {e.get("guid") for e in first.iterfind("q:PlainTextSelection/q:Coding", NS)}
    assert selections == {guid_key(f"{{7D2E0003-0000-4000-8000-{m:012X}}}") for m in range(1, 6)}
    assert codings == {guid_key(f"{{7D2E0004-0000-4000-8000-{m:012X}}}") for m in range(1, 6)}
    # qcoder's own export comes back as the very same project.
    code, again = imported(cli, str(exported))
    assert code == 0 and again["status"] == "unchanged" and again["codings_unchanged"] == 50, again


def test_plan_then_map_lets_a_researcher_decide_the_ids(cli, package):
    plan = cli.folder / "编号表.csv"
    before = (cli.folder / "codebook.yaml").read_text(encoding="utf-8")
    result = cli("import", str(package), "--kind", "policy", "--plan", str(plan))
    assert result.exit_code == 0, result.output
    assert "nothing was imported" in result.stderr
    assert json.loads(cli("sources", "list", "--json").stdout) == []
    assert (cli.folder / "codebook.yaml").read_text(encoding="utf-8") == before
    data = plan.read_bytes()
    again = cli("import", str(package), "--kind", "policy", "--plan", str(plan))
    assert again.exit_code == 1 and "add --force" in again.output and plan.read_bytes() == data
    assert cli("import", str(package), "--kind", "policy", "--plan", str(plan), "--force").exit_code == 0
    assert data.startswith(codecs.BOM_UTF8)  # Excel reads the Chinese right
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == ["name", "id", "kind", "date", "title", "guid", "note"]
    assert {r["name"]: r["id"] for r in rows} == IDS
    assert rows[0]["date"] == "2023-03-01" and "creationDateTime" in rows[0]["note"]

    # The researcher corrects one ID, clears another and gives its date as Excel shows it, deletes a row.
    rows[0]["id"] = "20230228-P11"
    rows[1] |= {"id": "", "date": "2023/2/15", "kind": "政策"}  # a kind as a kind variable may say it
    del rows[9]
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    plan.write_bytes(out.getvalue().encode("utf-8-sig"))
    code, report = imported(cli, str(package), "--map", str(plan))
    assert code == 1  # the source left out is listed as skipped
    expected = {**IDS, maxqda.TITLES[0]: "20230228-P11", maxqda.TITLES[1]: "20230215-P12"}
    del expected[maxqda.TITLES[9]]
    assert report["renamed"] == expected
    [left_out] = report["skipped"]
    assert maxqda.TITLES[9] in left_out and "not in the map" in left_out
    shown = json.loads(cli("sources", "show", "20230215-P12", "--json").stdout)
    assert (shown["date"], shown["title"]) == ("2023-02-15", maxqda.TITLES[1])
    with Session(make_engine(cli.url)) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.entity_id == "20230215-P12")).one()
        assert "--map line 3" in event.after["assigned_id"]


def test_a_map_with_errors_names_each_line_and_imports_nothing(cli, package):
    lines = [
        ["name", "id", "kind", "date"],
        ["没有这个文件", "", "", ""],
        [maxqda.TITLES[0], "20230301-P01", "", ""],
        [maxqda.TITLES[1], "20230301-P01", "", ""],
        [maxqda.TITLES[2], "", "policy", "2023-02-30"],
        [maxqda.TITLES[3], "20230301MJQ", "policy", ""],
        [maxqda.TITLES[4], "policy-1", "", ""],
        [maxqda.TITLES[4], "", "", ""],
    ]
    out = io.StringIO()
    csv.writer(out).writerows(lines)
    bad = cli.folder / "bad.csv"
    bad.write_bytes(out.getvalue().encode("gb18030"))  # as Excel saves CSV on a Chinese Windows
    code, report = imported(cli, str(package), "--map", str(bad))
    assert code == 1 and report["status"] == "failed"
    message = report["message"]
    assert "6 error(s); nothing was imported" in message
    for line, words in [
        (2, "no source in the file is named “没有这个文件”"),
        (4, "ID 20230301-P01 is given on line 3 already"),
        (5, "date '2023-02-30' is not a real"),
        (6, "kind is policy but ID 20230301MJQ follows the interview convention"),
        (7, "record ID 'policy-1': must start with an 8-digit date"),
        (8, f"source “{maxqda.TITLES[4]}” is decided on line 7 already"),
    ]:
        assert f"bad.csv line {line}: {words}" in message, message
    assert json.loads(cli("sources", "list", "--json").stdout) == []
    assert codes_of(cli) == {}


def test_interviews_take_initials_from_variables_or_their_case(cli, tmp_path):
    initials, interviewee, date = (f"{{5B000000-0000-4000-8000-00000000000{n}}}" for n in range(3))
    variables = f"""<Variables><Variable guid="{initials}" name="initials" typeOfVariable="Text"/>
        <Variable guid="{interviewee}" name="interviewee" typeOfVariable="Text"/>
        <Variable guid="{date}" name="date" typeOfVariable="Date"/></Variables>"""

    def source(n: int, name: str, created: str = "", **values: str) -> str:
        held = "".join(
            f'<VariableValue><VariableRef targetGUID="{guid}"/><{tag}>{value}</{tag}></VariableValue>'
            for guid, tag, value in ((initials, "TextValue", values.get("initials")),
                                     (interviewee, "TextValue", values.get("interviewee")),
                                     (date, "DateValue", values.get("date")))
            if value
        )  # fmt: skip
        stamp = f' creationDateTime="{created}"' if created else ""
        return (
            f'<TextSource guid="{{5C000000-0000-4000-8000-00000000000{n}}}" name="{name}"{stamp}>'
            f"<PlainTextContent>问：请谈谈考核。\n答：第{n}位受访者的回答。</PlainTextContent>{held}</TextSource>"
        )

    sources = (
        source(1, "社区书记访谈", initials="mjq", date="2024-01-15")
        + source(2, "街道主任访谈", interviewee="单乐明", date="2024-01-15")
        + source(3, "另一位书记", initials="MJQ", date="2024-01-15")
        + source(4, "王建国访谈", "2024-02-01T10:00:00+08:00")
        + source(5, "没有首字母的访谈", date="2024-03-01")
    )
    case = '<Cases><Case guid="{5D000000-0000-4000-8000-000000000001}" name="王建国">'
    case += '<SourceRef targetGUID="{5C000000-0000-4000-8000-000000000004}"/></Case></Cases>'
    package = foreign.qdpx(
        tmp_path / "访谈.qdpx", {"project.qde": foreign.project(f"{variables}{case}<Sources>{sources}</Sources>")}
    )
    code, report = imported(cli, str(package), "--kind", "interview")
    assert code == 1
    assert report["renamed"] == {
        "社区书记访谈": "20240115MJQ",
        "街道主任访谈": "20240115SLM",  # 单 read as the surname Shan
        "另一位书记": "20240115MJQ-2",  # another person with the same initials that day
        "WJG访谈": "20240201WJG",  # from the Case named after the interviewee, whose name stays out
    }
    warnings = " ".join(report["warnings"])
    assert "“乐” has several readings" in warnings and "collides with 20240115MJQ: suffix -2 added" in warnings
    assert "2 real names in the file were not stored" in warnings  # 单乐明 and the Case 王建国
    [missing] = report["skipped"]
    assert "没有首字母的访谈" in missing and "initials" in missing and "date" not in missing.split("missing")[1]
    with Session(make_engine(cli.url)) as session:
        people = {s.id: session.get(Participant, s.participant_id) for s in session.exec(select(Source))}
        assert {i: (p.initials, p.name) for i, p in people.items()} == {
            "20240115MJQ": ("MJQ", None), "20240115SLM": ("SLM", None), "20240115MJQ-2": ("MJQ", None),
            "20240201WJG": ("WJG", None),
        }  # fmt: skip
        assert all("initials" not in s.meta and "interviewee" not in s.meta for s in session.exec(select(Source)))
        assert session.get(Source, "20240201WJG").title == "WJG访谈"  # the real name stays out of the title
        assert session.get(Source, "20240201WJG").filename.endswith("访谈.qdpx/WJG访谈")  # and of the filename
        event = session.exec(select(AuditEvent).where(AuditEvent.entity_id == "20240201WJG")).one()
        assert "王建国" not in json.dumps(event.after, ensure_ascii=False)
        assert session.get(Source, "20240115SLM").title == "街道主任访谈"
    printed = cli("import", str(package), "--kind", "interview").stdout
    assert "WJG访谈 → 20240201WJG" in printed and "王建国" not in printed
    plan = tmp_path / "plan.csv"
    assert cli("import", str(package), "--kind", "访谈", "--plan", str(plan)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(plan.read_bytes().decode("utf-8-sig"))))
    assert "王建国" not in plan.read_bytes().decode("utf-8-sig")
    assert {r["name"]: r["id"] for r in rows}["WJG访谈"] == "20240201WJG"
    # The redacted name still finds its source by the guid column.
    again = cli("import", str(package), "--map", str(plan), "--json")
    assert "WJG访谈" in json.loads(again.stdout)["qdpx"][0]["renamed"], again.stdout


def test_a_codebook_the_database_refuses_leaves_the_file_as_it_was(cli, package):
    path = cli.folder / "codebook.yaml"
    before = path.read_bytes()
    engine = create_engine(cli.url)
    with engine.begin() as connection:
        for statement in REFUSE_THE_VERSION[engine.dialect.name]:
            connection.exec_driver_sql(statement)
    engine.dispose()
    code, report = imported(cli, str(package), "--kind", "policy")
    assert code == 1 and report["status"] == "failed" and "version refused" in report["message"]
    assert path.read_bytes() == before
    assert json.loads(cli("sources", "list", "--json").stdout) == []
    assert not any(c["id"].startswith("imported") for c in json.loads(cli("codes", "list", "--json").stdout)["codes"])


def test_a_codebook_file_out_of_step_with_the_database_is_refused(sqlite_cli, tmp_path):
    path = sqlite_cli.folder / "codebook.yaml"
    edited = path.read_text(encoding="utf-8").replace("name: 结果运用公开化", "name: 结果公开", 1)
    path.write_text(edited, encoding="utf-8")  # edited, not synced
    code, report = imported(sqlite_cli, str(maxqda.package(tmp_path / "p.qdpx")), "--kind", "policy")
    assert code == 1 and "qcoder codebook sync" in report["message"] and "--no-new-codes" in report["message"]
    assert path.read_text(encoding="utf-8") == edited
    assert json.loads(sqlite_cli("sources", "list", "--json").stdout) == []
    # Without new codes it imports, the codings of codes the codebook lacks listed with a hint.
    code, report = imported(sqlite_cli, str(maxqda.package(tmp_path / "p.qdpx")), "--kind", "policy", "--no-new-codes")
    assert len(report["sources_added"]) == 10 and report["codes_added"] == []
    assert report["codings_added"] == 10  # those on 结果运用公开化, the name the database still has
    assert any("--no-new-codes" in line for line in report["skipped"])


def test_a_codebook_guid_must_be_a_guid_and_unique():
    text = demo.CODEBOOK.read_text(encoding="utf-8")
    first = "    parent: scenario\n"
    once = text.replace(first, first + '    guid: "{0A1B2C3D-0000-4000-8000-00000000C001}"\n', 1)
    assert codebook.parse(once).by_id()["scenario.backstage"].guid == "0a1b2c3d-0000-4000-8000-00000000c001"
    assert codebook.parse(once).version != codebook.parse(text).version
    second = once.index(first, once.index("id: scenario.frontstage"))  # the next code's parent line
    twice = f"{once[:second]}{first}    guid: 0a1b2c3d-0000-4000-8000-00000000c001\n{once[second + len(first) :]}"
    with pytest.raises(codebook.CodebookError, match=r"guid is the same as scenario\.backstage"):
        codebook.parse(twice)
    with pytest.raises(codebook.CodebookError, match="is not an 8-4-4-4-12 hex GUID"):
        codebook.parse(text.replace(first, first + "    guid: 12345\n", 1).replace("guid: 12345", "guid: '12345'"))


def test_two_qdpx_imports_at_once_never_hand_out_one_id_twice(cli, tmp_path):
    book = cli.folder / "codebook.yaml"
    jobs = [
        [{"path": str(maxqda.package(tmp_path / f"{n}.qdpx", part)), "kind": "policy", "codebook": str(book)}]
        for n, part in enumerate((range(0, 5), range(5, 10)))
    ]
    reports = run_workers(concurrency_worker.import_qdpx, cli.url, jobs)
    assert [e for r in reports for e in r["errors"]] == [] and [x for r in reports for x in r["refused"]] == []
    given = [i for r in reports for a in r["added"] for i in a["ids"]]
    assert sorted(int(i[-2:]) for i in given) == list(range(1, 11)) and len(set(given)) == 10
    # The codes both files hold were added once, and the file is the codebook the database has.
    assert sorted(c for r in reports for a in r["added"] for c in a["codes"]) == sorted(
        c["id"] for c in codes_of_file(book)
    )
    with Session(make_engine(cli.url)) as session:
        assert session.get(Setting, "codebook_version").value == codebook.load(book).version


def codes_of_file(path: Path) -> list[dict]:
    return [c for c in yaml.safe_load(path.read_text(encoding="utf-8"))["codes"] if c["id"].startswith("imported")]


def test_an_id_another_import_takes_meanwhile_is_drawn_again(cli, tmp_path):
    if not cli.url.startswith("postgresql"):
        pytest.skip("SQLite's write transactions take turns (BEGIN IMMEDIATE): no insert can race another")
    package = maxqda.package(tmp_path / "one.qdpx", range(0, 1), codebook=False)
    engine = make_engine(cli.url)
    other = Session(engine)  # another import, holding 20230301-P01 in a transaction still open
    other.add(Source(id="20230301-P01", kind="policy", text="另一份文件。", sha256="0" * 64, filename="other.txt"))
    other.flush()
    holder = other.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
    done: list = []

    def run() -> None:
        try:
            done.append(import_qdpx(engine, package, "policy", new_codes=False))
        except Exception as exc:  # shown by the assertion below, not lost in the thread
            done.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    # A backend blocked by exactly the other transaction: the import, and nothing else that happens to wait.
    blocked = f"SELECT count(*) FROM pg_stat_activity WHERE {holder} = ANY(pg_blocking_pids(pid))"
    try:
        # Until the import waits for the other transaction's row (on a loaded machine that can take a while).
        # Autocommit: inside one transaction PostgreSQL shows the same pg_stat_activity snapshot every time.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as watch:
            deadline = time.monotonic() + 120
            while not (waited := watch.exec_driver_sql(blocked).scalar()) and time.monotonic() < deadline:
                if done:
                    break  # the import ended without waiting: the assertions below say how
                time.sleep(0.05)
        other.commit()
    finally:
        other.close()  # a failed test must not leave the row locked for the tests after it
        worker.join(timeout=120)
    assert waited, "the import never waited for the other transaction's row"
    [report] = done
    assert report.status == "imported" and report.renamed == {maxqda.TITLES[0]: "20230301-P02"}, report


def test_a_name_a_spreadsheet_would_run_goes_out_neutralised_and_comes_back_as_it_was(sqlite_cli, tmp_path):
    name = "=HYPERLINK(1) 考核通知"
    source = f'<TextSource guid="{{5E000000-0000-4000-8000-000000000001}}" name="{name}" creationDateTime="2023-05-04T09:00:00Z">'
    body = f"<Sources>{source}<PlainTextContent>第一条　考核结果公开。</PlainTextContent></TextSource></Sources>"
    package = foreign.qdpx(tmp_path / "f.qdpx", {"project.qde": foreign.project(body)})
    plan = tmp_path / "plan.csv"
    assert sqlite_cli("import", str(package), "--kind", "media", "--plan", str(plan)).exit_code == 0
    [row] = list(csv.DictReader(io.StringIO(plan.read_text(encoding="utf-8-sig"))))
    assert row["name"] == "'" + name and row["id"] == "20230504-M01"
    code, report = imported(sqlite_cli, str(package), "--map", str(plan))
    assert code == 0 and report["renamed"] == {name: "20230504-M01"}, report


def test_in_team_mode_a_coder_imports_a_qdpx_but_only_an_owner_adds_its_codes(cli, package):
    for name, role in (("负责人", "owner"), ("编码员甲", "coder")):
        result = cli("user", "add", name, "--role", role, "--password-stdin", input="correct horse battery\n")
        assert result.exit_code == 0, result.output
    assert cli("team", "on").exit_code == 0
    project, book = Project.open(cli.url), cli.folder / "codebook.yaml"
    before = book.read_bytes()
    coder = project.for_user("编码员甲")
    refused = coder.import_qdpx(package, "policy", codebook_path=book)
    assert refused["status"] == "failed" and "may not change the codebook" in refused["message"]
    assert book.read_bytes() == before and json.loads(cli("sources", "list", "--json").stdout) == []
    # Without new codes the coder's import goes through; once the owner added them, so does the coder's.
    assert coder.import_qdpx(package, "policy", new_codes=False, codebook_path=book)["sources_added"]
    assert project.for_user("负责人").import_qdpx(package, codebook_path=book)["codes_added"]
    again = coder.import_qdpx(package, codebook_path=book)
    assert again["status"] == "unchanged", again


def test_two_file_codes_of_one_name_under_different_parents_are_not_merged_by_name():
    rows = [
        Code(id="scenario", name="场景", dimension="scenario"),
        Code(id="scenario.street", name="街道", dimension="scenario", parent_id="scenario"),
        Code(id="scenario.other", name="其他", dimension="scenario", parent_id="scenario.street"),
    ]
    ns = 'xmlns="urn:QDA-XML:project:1.0"'
    codes = "".join(
        f'<Code guid="{{6A000000-0000-4000-8000-00000000000{n}}}" name="{parent}" isCodable="true">'
        f'<Code guid="{{6B000000-0000-4000-8000-00000000000{n}}}" name="其他" isCodable="true"/></Code>'
        for n, parent in ((1, "街道"), (2, "社区"))
    )
    root = etree.fromstring(f"<Project {ns}><CodeBook><Codes>{codes}</Codes></CodeBook></Project>")
    found = foreign_codes.match(root, rows, new_codes=True)
    assert found.nodes[guid_key("{6B000000-0000-4000-8000-000000000001}")] == "scenario.other"  # its parent matches
    assert guid_key("{6B000000-0000-4000-8000-000000000002}") not in found.nodes  # 社区's 其他 comes in as new
