"""`qcoder import`: good files land, bad files are named with the reason, nothing half-written."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from coder.db import migrate
from coder.db.engine import make_engine, transaction
from coder.db.models import Participant, Segment, Source
from coder.sources.corpus import read_source, store
from tests.helpers import INTERVIEW, Cli, docx_with_body, make_docx, write


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
    result = sqlite_cli("import", str(bad.parent))
    assert result.exit_code == 1
    assert str(bad) in result.stderr and "不是真实存在的日期" in result.stderr


def test_kind_comes_from_the_option_when_the_folder_does_not_say(sqlite_cli, tmp_path):
    path = write(tmp_path / "inbox" / "20240115MJQ_幸福社区.txt", "问：好。\n答：好的。")
    result = sqlite_cli("import", str(path), "--kind", "interview", "--json")
    assert json.loads(result.stdout)["results"][0]["id"] == "20240115MJQ"


def test_bad_front_matter_names_the_line(sqlite_cli, tmp_path):
    path = write(tmp_path / "interviews" / "x.txt", "---\nid: 20240115MJQ\ndate: [2024\n---\n问：好。")
    result = sqlite_cli("import", str(path), "--json")
    assert result.exit_code == 1
    message = json.loads(result.stdout)["results"][0]["message"]
    assert "line 3" in message and "第 3 行" in message
    assert rows(sqlite_cli.url)["sources"] == 0


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


def test_an_edited_file_under_the_same_id_is_refused_even_if_only_metadata_changed(cli, tmp_path):
    path = write(tmp_path / "interviews" / "20240115MJQ.txt", INTERVIEW)
    assert cli("import", str(path)).exit_code == 0
    write(path, INTERVIEW.replace("role: 社区党委书记", "role: 居委会主任"))
    result = cli("import", str(path))
    assert result.exit_code == 1 and "nothing is overwritten" in result.stderr
    assert json.loads(cli("sources", "show", "20240115MJQ", "--json").stdout)["meta"]["role"] == "社区党委书记"


def test_one_broken_file_does_not_stop_the_batch(sqlite_cli, tmp_path):
    folder = tmp_path / "interviews"
    write(folder / "20240110AA.txt", "---\nphoto: !!binary aGVsbG8=\n---\n问：好。")
    write(folder / "20240111BB.docx", docx_with_body("<w:p><w:r><w:t>半截"))
    write(folder / "20240112CC.pdf", b"%PDF-1.7")
    write(folder / "20240113DD.txt", "问：好。\n答：好的。")
    result = sqlite_cli("import", str(folder), "--json")
    assert result.exit_code == 1
    report = {Path(r["path"]).name: r for r in json.loads(result.stdout)["results"]}
    assert "photo" in report["20240110AA.txt"]["message"]
    assert "not a valid .docx" in report["20240111BB.docx"]["message"]
    assert "not a valid PDF file" in report["20240112CC.pdf"]["message"]
    assert report["20240113DD.txt"]["status"] == "imported"


def test_an_empty_folder_is_an_error(sqlite_cli, tmp_path):
    (tmp_path / "empty").mkdir()
    result = sqlite_cli("import", str(tmp_path / "empty"))
    assert result.exit_code == 1 and "no files to import" in result.stderr


def test_blank_lines_before_front_matter_do_not_leak_the_name(sqlite_cli, tmp_path):
    path = write(tmp_path / "interviews" / "20240117LMM.txt", "\n\n" + INTERVIEW.replace("20240115MJQ", "20240117LMM"))
    assert sqlite_cli("import", str(path)).exit_code == 0
    shown = sqlite_cli("sources", "show", "20240117LMM", "--json").stdout
    assert "马继强" not in shown and json.loads(shown)["text"].startswith("访谈者：")


def test_chinese_name_keys_stay_private_and_unknown_keys_are_flagged(sqlite_cli, tmp_path):
    content = INTERVIEW.replace("interviewee: 马继强", "受访者: 马继强\nintervewer: 研究者A")
    result = sqlite_cli("import", str(write(tmp_path / "interviews" / "x.txt", content)), "--json")
    warnings = json.loads(result.stdout)["results"][0]["warnings"]
    assert any("intervewer" in w for w in warnings)
    assert "马继强" not in sqlite_cli("sources", "show", "20240115MJQ", "--json").stdout


def test_namesakes_in_different_organisations_stay_different_people(sqlite_cli, tmp_path):
    first = INTERVIEW.replace("马继强", "张伟").replace("20240115MJQ", "20240116ZW").replace("2024-01-15", "2024-01-16")
    second = first.replace("20240116ZW", "20240301ZW").replace("2024-01-16", "2024-03-01")
    write(tmp_path / "interviews" / "20240116ZW.txt", first)
    write(
        tmp_path / "interviews" / "20240301ZW.txt",
        second.replace("幸福社区", "区民政局").replace("社区党委书记", "科员"),
    )
    assert sqlite_cli("import", str(tmp_path / "interviews")).exit_code == 0
    assert rows(sqlite_cli.url)["participants"] == 2


def test_the_kind_never_comes_from_folders_above_the_one_named(sqlite_cli, tmp_path):
    path = write(tmp_path / "media" / "study" / "inbox" / "20240115MJQ.txt", "问：好。")
    result = sqlite_cli("import", str(path.parent), "--json")
    assert "missing kind" in json.loads(result.stdout)["results"][0]["message"]


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        ("---\nid: 20240115MJQ\n问：好。", "front matter is not closed"),
        ("---\nid: 20240115MJQ\n---\n", "the body is empty"),
        ("---\nkind: survey\n---\n问：好。", "kind 'survey' is not one of"),
    ],
)
def test_front_matter_mistakes_are_named_and_nothing_is_written(sqlite_cli, tmp_path, content, rule):
    result = sqlite_cli("import", str(write(tmp_path / "interviews" / "20240115MJQ.txt", content)), "--json")
    assert result.exit_code == 1
    assert rule in json.loads(result.stdout)["results"][0]["message"]
    assert rows(sqlite_cli.url) == {"sources": 0, "segments": 0, "participants": 0}


def test_a_missing_path_is_named(sqlite_cli, tmp_path):
    result = sqlite_cli("import", str(tmp_path / "nope.txt"))
    assert result.exit_code == 1 and "nope.txt: no such file" in result.stderr


def test_markup_like_text_is_printed_literally(sqlite_cli, tmp_path):
    content = INTERVIEW.replace("role: 社区党委书记", "role: '[red]草稿[/]'")
    assert sqlite_cli("import", str(write(tmp_path / "interviews" / "x.txt", content))).exit_code == 0
    assert "[red]草稿[/]" in sqlite_cli("sources", "show", "20240115MJQ").stdout


def long_interview(characters: int) -> tuple[str, list[tuple[str, str]], list[tuple[str, str]]]:
    """A transcript of about ``characters`` with the turns and sentences it must yield, built alongside."""
    lines, turns, sentences, size, number = [], [], [], 0, 0
    while size < characters:
        speaker = "答" if number % 2 else "问"
        said = [f"第{number}个问题怎么看？"] if speaker == "问" else [f"考核排名第{number}次公示了。", "大家压力大！"]
        lines.append(f"{speaker}：{''.join(said)}")
        turns.append((speaker, "".join(said)))
        sentences.extend((speaker, s) for s in said)
        size += len(lines[-1]) + 1
        number += 1
    return "\n".join(lines), turns, sentences


def test_a_million_character_transcript_stores_every_segment_at_its_exact_offsets(cli, tmp_path):
    body, turns, sentences = long_interview(1_000_000)
    path = write(tmp_path / "interviews" / "20240115MJQ.txt", f"---\nid: 20240115MJQ\n---\n{body}\n")
    result = cli("import", str(path), "--json")
    assert json.loads(result.stdout)["results"][0]["status"] == "imported", result.stdout
    with Session(make_engine(cli.url)) as session:
        text = session.get(Source, "20240115MJQ").text
        stored = session.exec(
            select(Segment.kind, Segment.speaker, Segment.start, Segment.end).order_by(Segment.kind, Segment.start)
        ).all()
    assert text == body
    found = {"sentence": [], "turn": []}
    for kind, speaker, start, end in stored:
        found[kind].append((speaker, text[start:end]))
    assert found == {"sentence": sentences, "turn": turns}


def test_segments_written_in_a_transaction_that_fails_go_with_it(db_url, tmp_path):
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    parsed = read_source(write(tmp_path / "interviews" / "20240115MJQ.txt", INTERVIEW))
    with pytest.raises(RuntimeError), transaction(engine) as session:
        store(session, parsed)
        assert session.exec(select(func.count()).select_from(Segment)).one() == 5  # written, not yet committed
        raise RuntimeError("the file's transaction fails after its segments were written")
    assert rows(db_url) == {"sources": 0, "segments": 0, "participants": 0}
