"""`qcoder import`: good files land, bad files are named with the reason, nothing half-written."""

import json

from sqlalchemy import func
from sqlmodel import Session, select

from coder.db.engine import make_engine
from coder.db.models import Participant, Segment, Source
from tests.helpers import INTERVIEW, Cli, make_docx, write


def rows(url):
    with Session(make_engine(url)) as session:
        return {
            "sources": session.exec(select(func.count()).select_from(Source)).one(),
            "segments": session.exec(select(func.count()).select_from(Segment)).one(),
            "participants": session.exec(select(func.count()).select_from(Participant)).one(),
        }


def test_an_interview_is_stored_with_exact_segments_and_a_private_name(cli, tmp_path):
    path = write(tmp_path / "in" / "x.md", INTERVIEW)
    result = cli("import", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"][0]["status"] == "imported"
    shown = json.loads(cli("sources", "show", "20240115MJQ", "--json").stdout)
    assert shown["text"].startswith("访谈者：请您谈谈考核改革。")
    assert shown["participant"] == {"initials": "MJQ", "role": "社区党委书记", "organization": "幸福社区"}
    assert "马继强" not in json.dumps(shown, ensure_ascii=False)
    with_names = json.loads(cli("sources", "show", "20240115MJQ", "--json", "--with-names").stdout)
    assert with_names["participant"]["name"] == "马继强"
    with Session(make_engine(cli.url)) as session:
        for seg in session.exec(select(Segment)).all():
            piece = shown["text"][seg.start : seg.end]
            assert piece and piece == piece.strip()
        speakers = [s.speaker for s in session.exec(select(Segment).where(Segment.kind == "turn")).all()]
    assert speakers == ["访谈者", "MJQ"]


def test_importing_the_same_file_again_is_a_no_op(cli, tmp_path):
    path = write(tmp_path / "interviews" / "20240115MJQ.txt", INTERVIEW)
    assert cli("import", str(path)).exit_code == 0
    before = rows(cli.url)
    again = cli("import", str(path), "--json")
    assert again.exit_code == 0
    assert json.loads(again.stdout)["results"][0]["status"] == "unchanged"
    assert rows(cli.url) == before


def test_a_different_file_with_an_existing_id_is_refused_naming_both(cli, tmp_path):
    first = write(tmp_path / "a" / "20240115MJQ.txt", INTERVIEW)
    second = write(tmp_path / "b" / "20240115MJQ.txt", INTERVIEW.replace("走过场", "流于形式"))
    assert cli("import", str(first)).exit_code == 0
    before = rows(cli.url)
    result = cli("import", str(second))
    assert result.exit_code == 1
    assert str(first) in result.stderr and str(second) in result.stderr
    assert "nothing is overwritten" in result.stderr and "不会覆盖" in result.stderr
    assert rows(cli.url) == before
    assert "走过场" in json.loads(cli("sources", "show", "20240115MJQ", "--json").stdout)["text"]


def test_a_batch_imports_the_good_files_and_names_each_bad_one(cli, tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus / "interviews" / "20240115MJQ.txt", INTERVIEW)
    write(corpus / "policy" / "20230110-P03.txt", "第一条 方阵比例为3.5:5.5:1。")
    write(corpus / "media" / "20230218-M03.md", "方阵比例为3:6:1。".encode("gbk"))
    bad = {
        corpus / "interviews" / "20240116LXF.txt": (b"\x00\x01binary\x00", "binary"),
        corpus / "interviews" / "20240117WJG.txt": (b"", "empty"),
        corpus / "interviews" / "20240118HZP.txt": ("好".encode() + b"\xff\xff\xfe", "cannot decode"),
        corpus / "interviews" / "20240230ZHY.txt": ("问：好。".encode(), "not a real calendar date"),
        corpus / "interviews" / "20240118hzp.txt": ("问：好。".encode(), "capital pinyin initials"),
        corpus / "misc" / "20240119QSM.txt": ("问：好。".encode(), "missing kind"),
        corpus / "interviews" / "20230110-P04.txt": ("第一条。".encode(), "follows the policy convention"),
    }
    for path, (content, _) in bad.items():
        write(path, content)
    result = cli("import", str(corpus), "--json")
    assert result.exit_code == 1
    report = {r["path"]: r for r in json.loads(result.stdout)["results"]}
    assert {r["id"] for r in report.values() if r["status"] == "imported"} == {
        "20240115MJQ",
        "20230110-P03",
        "20230218-M03",
    }
    for path, (_, reason) in bad.items():
        assert report[str(path)]["status"] == "failed"
        assert reason in report[str(path)]["message"], report[str(path)]["message"]
    assert rows(cli.url)["sources"] == 3
    kinds = {r["id"]: r["kind"] for r in json.loads(cli("sources", "list", "--json").stdout)}
    assert kinds == {"20240115MJQ": "interview", "20230110-P03": "policy", "20230218-M03": "media"}


def test_human_output_names_each_bad_file_on_stderr(sqlite_cli, tmp_path):
    bad = write(tmp_path / "interviews" / "20240230ZHY.txt", "问：好。")
    result = sqlite_cli("import", str(tmp_path))
    assert result.exit_code == 1
    assert str(bad) in result.stderr and "不是真实存在的日期" in result.stderr


def test_kind_comes_from_the_option_when_the_folder_does_not_say(sqlite_cli, tmp_path):
    path = write(tmp_path / "inbox" / "20240115MJQ_幸福社区.txt", "问：好。\n答：好的。")
    result = sqlite_cli("import", str(path), "--kind", "interview", "--json")
    assert json.loads(result.stdout)["results"][0]["id"] == "20240115MJQ"


def test_bad_front_matter_names_the_line(sqlite_cli, tmp_path):
    path = write(tmp_path / "interviews" / "x.txt", "---\nid: 20240115MJQ\ndate: [2024\n---\n问：好。")
    result = sqlite_cli("import", str(path), "--json")
    message = json.loads(result.stdout)["results"][0]["message"]
    assert "line 3" in message and "第 3 行" in message


def test_an_unreal_metadata_date_is_refused(sqlite_cli, tmp_path):
    path = write(tmp_path / "interviews" / "20240115MJQ.txt", "---\ndate: 2024-02-30\n---\n问：好。")
    result = sqlite_cli("import", str(path), "--json")
    assert "not a real YYYY-MM-DD date" in json.loads(result.stdout)["results"][0]["message"]
    assert rows(sqlite_cli.url)["sources"] == 0


def test_mismatched_initials_and_dates_are_imported_with_warnings(sqlite_cli, tmp_path):
    content = INTERVIEW.replace("date: 2024-01-15", "date: 2024-01-16").replace("马继强", "王建国")
    path = write(tmp_path / "interviews" / "x.txt", content)
    result = json.loads(sqlite_cli("import", str(path), "--json").stdout)["results"][0]
    assert result["status"] == "imported"
    assert any("2024-01-16" in w for w in result["warnings"])
    assert any("WJG" in w for w in result["warnings"])
    assert not any("王建国" in w for w in result["warnings"])  # warnings never print the real name


def test_two_interviews_of_one_person_share_a_participant(sqlite_cli, tmp_path):
    write(tmp_path / "interviews" / "20240115MJQ.txt", INTERVIEW)
    second = INTERVIEW.replace("20240115MJQ", "20240301MJQ").replace("2024-01-15", "2024-03-01")
    write(tmp_path / "interviews" / "20240301MJQ.txt", second.replace("走过场", "形式主义"))
    assert sqlite_cli("import", str(tmp_path / "interviews")).exit_code == 0
    assert rows(sqlite_cli.url)["participants"] == 1


def test_a_docx_imports_with_its_front_matter_and_table(sqlite_cli, tmp_path):
    paragraphs = [
        "---",
        "id: 20240205CYQ",
        "kind: interview",
        "role: 科员",
        "---",
        "访谈者：您的得分？",
        "CYQ：请看表。",
    ]
    write(tmp_path / "20240205CYQ.docx", make_docx(paragraphs, [["季度", "总分"], ["一季度", "92"]]))
    assert sqlite_cli("import", str(tmp_path / "20240205CYQ.docx")).exit_code == 0
    shown = json.loads(sqlite_cli("sources", "show", "20240205CYQ", "--json").stdout)
    assert shown["text"] == "访谈者：您的得分？\nCYQ：请看表。\n季度\t总分\n一季度\t92\n表后一段。"
    assert shown["meta"] == {"role": "科员"}


def test_an_uninitialised_database_is_refused_with_advice(tmp_path):
    result = Cli(f"sqlite:///{tmp_path / 'new.sqlite'}", tmp_path)("sources", "list")
    assert result.exit_code == 1
    assert "qcoder init" in result.stderr
