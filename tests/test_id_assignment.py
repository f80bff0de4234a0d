"""Files that arrive without a record ID get one from their date, kind and interviewee — said, never silent."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import Session, select

from coder.db.engine import make_engine
from coder.db.models import AuditEvent, Participant, Source
from coder.sources import assign
from tests import concurrency_worker
from tests.helpers import make_docx, write
from tests.test_concurrency import run_workers

POLICY_NO_ID = (
    "---\nkind: policy\ndate: 2022-04-01\ntitle: 干部绩效动态考核实施办法\n---\n第一条　考核每季度进行一次。\n"
)
INTERVIEW_NO_ID = (
    "---\nkind: interview\ndate: 2024-01-15\ninterviewee: 马继强\nrole: 社区党委书记\n---\n"
    "访谈者：请您谈谈考核改革。\nMJQ：以前考核就是走过场。\n"
)


def imported(cli, *paths, kind=None):
    args = ["import", *map(str, paths), "--json", *(["--kind", kind] if kind else [])]
    result = cli(*args)
    return result, {r["path"]: r for r in json.loads(result.stdout)["results"]}


def test_a_policy_file_without_an_id_gets_the_next_policy_number_of_its_date(cli, tmp_path):
    first = write(tmp_path / "in" / "policy1.txt", POLICY_NO_ID)
    second = write(tmp_path / "in" / "policy2.txt", POLICY_NO_ID.replace("每季度", "每半年"))
    result, report = imported(cli, first, second)
    assert result.exit_code == 0, result.output
    assert [report[str(p)]["id"] for p in (first, second)] == ["20220401-P01", "20220401-P02"]
    assert "assigned ID 20220401-P01" in report[str(first)]["assigned"]
    assert "front matter date" in report[str(first)]["assigned"] and "已分配编号" in report[str(first)]["assigned"]
    with Session(make_engine(cli.url)) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.entity_id == "20220401-P01")).one()
        assert "20220401-P01" in event.after["assigned_id"]
        assert session.get(Source, "20220401-P01").title == "干部绩效动态考核实施办法"


def test_the_assigned_id_is_printed_per_file(cli, tmp_path):
    path = write(tmp_path / "in" / "policy1.txt", POLICY_NO_ID)
    result = cli("import", str(path))
    assert result.exit_code == 0
    assert "20220401-P01" in result.stdout and "assigned ID 20220401-P01" in result.stderr


def test_importing_a_file_with_an_assigned_id_again_is_a_no_op(cli, tmp_path):
    path = write(tmp_path / "in" / "policy1.txt", POLICY_NO_ID)
    imported(cli, path)
    again, report = imported(cli, path)
    assert again.exit_code == 0
    assert report[str(path)]["status"] == "unchanged" and report[str(path)]["id"] == "20220401-P01"
    assert len(json.loads(cli("sources", "list", "--json").stdout)) == 1


def test_an_edited_file_that_was_given_an_id_is_refused_not_given_a_second_one(cli, tmp_path):
    path = write(tmp_path / "in" / "policy1.txt", POLICY_NO_ID)
    imported(cli, path)
    write(path, POLICY_NO_ID.replace("每季度", "每月"))
    result, report = imported(cli, path)
    assert result.exit_code == 1
    assert "20220401-P01" in report[str(path)]["message"] and "no second ID" in report[str(path)]["message"]
    assert len(json.loads(cli("sources", "list", "--json").stdout)) == 1


def test_an_interview_gets_date_and_initials_from_its_front_matter_whatever_its_name(cli, tmp_path):
    path = write(tmp_path / "in" / "录音整理-第三次.txt", INTERVIEW_NO_ID)
    result, report = imported(cli, path)
    assert result.exit_code == 0, result.output
    assert report[str(path)]["id"] == "20240115MJQ"
    assert "initials MJQ" in report[str(path)]["assigned"]
    with Session(make_engine(cli.url)) as session:
        person = session.exec(select(Participant)).one()
        assert (person.initials, person.name, person.role) == ("MJQ", "马继强", "社区党委书记")


def test_a_second_interviewee_with_the_same_initials_that_day_gets_a_visible_suffix(cli, tmp_path):
    first = write(tmp_path / "in" / "a.txt", INTERVIEW_NO_ID)
    second = write(tmp_path / "in" / "b.txt", INTERVIEW_NO_ID.replace("马继强", "毛建青").replace("走过场", "形式"))
    result, report = imported(cli, first, second)
    assert result.exit_code == 0
    assert report[str(second)]["id"] == "20240115MJQ-2"
    assert any("-2" in w for w in report[str(second)]["warnings"])


def test_surname_readings_apply_to_assigned_interview_ids(cli, tmp_path):
    path = write(tmp_path / "in" / "单晓明访谈.txt", INTERVIEW_NO_ID.replace("马继强", "单晓明").replace("MJQ", "SXM"))
    _, report = imported(cli, path)
    assert report[str(path)]["id"] == "20240115SXM"


def test_explicit_initials_win_over_the_name(cli, tmp_path):
    text = INTERVIEW_NO_ID.replace("interviewee: 马继强", "initials: lxf")
    path = write(tmp_path / "in" / "x.txt", text)
    _, report = imported(cli, path)
    assert report[str(path)]["id"] == "20240115LXF"


def test_a_word_file_named_by_its_title_takes_the_date_written_at_its_end(cli, tmp_path):
    body = ["区委组织部", "关于印发干部绩效动态考核实施办法的通知", "各镇（街道）：", "现将办法印发给你们，请遵照执行。",
            "中共某某区委组织部", "二〇二二年四月一日"]  # fmt: skip
    path = write(tmp_path / "corpus" / "policy" / "关于印发干部绩效动态考核实施办法的通知.docx", make_docx(body))
    result, report = imported(cli, tmp_path / "corpus")
    assert result.exit_code == 0, result.output
    assert report[str(path)]["id"] == "20220401-P01"
    assert "二〇二二年四月一日" in report[str(path)]["assigned"]


def test_a_media_report_dated_in_its_file_name_is_numbered_as_media(cli, tmp_path):
    path = write(tmp_path / "in" / "石桥镇考核改革报道 2023-02-18.txt", "本报讯　石桥镇推行干部绩效动态考核。")
    _, report = imported(cli, path, kind="media")
    assert report[str(path)]["id"] == "20230218-M01"
    assert "the file name" in report[str(path)]["assigned"]


def test_what_cannot_be_derived_is_refused_naming_every_missing_field_and_the_front_matter_to_add(cli, tmp_path):
    path = write(tmp_path / "inbox" / "单晓明访谈.txt", "访谈者：您好。\n受访者：您好。")
    result, report = imported(cli, path)
    assert result.exit_code == 1
    message = report[str(path)]["message"]
    for needed in ("kind", "date", "interviewee", "---\nkind: interview | policy | media\ndate: 2024-01-15"):
        assert needed in message, message
    assert str(path) in message and "缺少" in message and "missing" in message
    interview = write(tmp_path / "interviews" / "单晓明访谈.txt", "---\ndate: 2024-03-05\n---\n访谈者：您好。")
    _, report = imported(cli, interview)
    message = report[str(interview)]["message"]
    assert "interviewee" in message and "missing kind" not in message and "date (" not in message
    assert json.loads(cli("sources", "list", "--json").stdout) == []


def test_a_file_name_that_tries_to_be_an_id_is_still_checked_not_replaced(cli, tmp_path):
    path = write(
        tmp_path / "interviews" / "20240230ZHY.txt", "---\ndate: 2024-02-20\ninterviewee: 张宏宇\n---\n问：好。"
    )
    result, report = imported(cli, path)
    assert result.exit_code == 1
    assert "not a real calendar date" in report[str(path)]["message"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20220401", dt.date(2022, 4, 1)),
        ("通知（2022-04-01）", dt.date(2022, 4, 1)),
        ("2022.4.1 印发", dt.date(2022, 4, 1)),
        ("发布时间：2023年2月18日 10:20", dt.date(2023, 2, 18)),
        ("２０２３年２月１８日", dt.date(2023, 2, 18)),
        ("二〇二二年十二月三十一日", dt.date(2022, 12, 31)),
        ("二〇二二年四月十日", dt.date(2022, 4, 10)),
        ("2022年2月30日，后改为2022年3月1日", dt.date(2022, 3, 1)),  # an impossible date is passed over
        ("区委办发〔2022〕12号", None),
        ("电话 20229999", None),
        ("2099-01-01", None),  # after today
    ],
)
def test_dates_are_read_in_the_forms_chinese_documents_write_them(text, expected):
    assert assign.find_date(text, today=dt.date(2026, 12, 1)) == expected


def test_the_front_matter_date_comes_before_the_file_name_and_the_text(tmp_path):
    found = assign.date_of(tmp_path / "2021-01-01 通知.txt", "2022-04-01", "2020年1月1日")
    assert (found.date, found.where_en) == (dt.date(2022, 4, 1), "front matter date")
    found = assign.date_of(tmp_path / "通知.txt", None, "标题\n正文\n2020年1月1日")
    assert found.date == dt.date(2020, 1, 1) and "2020年1月1日" in found.where_zh


def test_two_imports_at_once_never_hand_out_one_number_twice(cli, tmp_path):
    """Each worker's files have dates of their own: the number runs through the project, so 20220401-P05 and
    20220402-P05 would be two keys but one number given twice."""
    jobs = [
        [{"path": str(write(tmp_path / f"w{w}" / f"政策{n}.txt",
                            POLICY_NO_ID.replace("2022-04-01", f"2022-04-0{w + 1}").replace("每季度", f"第{n}次")))}
         for n in range(4)]
        for w in range(3)
    ]  # fmt: skip
    reports = run_workers(concurrency_worker.import_files, cli.url, jobs)
    assert [e for r in reports for e in r["errors"]] == [] and [x for r in reports for x in r["refused"]] == []
    numbers = [a["id"].split("-P")[1] for r in reports for a in r["added"]]
    assert sorted(numbers) == [f"{n:02d}" for n in range(1, 13)]


@pytest.mark.parametrize(
    ("name", "declared"),
    [
        ("20240115MJQ_街道办.docx", "20240115MJQ"),
        ("20240118hzp.txt", "20240118hzp"),  # an attempt, checked (and refused) as an ID
        ("20220401.docx", None),  # a bare date
        ("20220401关于印发考核办法的通知.docx", None),  # a date before a title
        ("policy1.txt", None),
    ],
)
def test_a_file_name_carries_an_id_only_when_it_is_shaped_like_one(tmp_path, name, declared):
    assert assign.declared_id(tmp_path / name, {}) == declared


def test_a_pdf_named_by_its_title_is_numbered_from_the_date_it_states(cli, tmp_path):
    from tests.test_pdf_import import chinese_pdf

    pdf = chinese_pdf([[["关于印发干部绩效动态考核办法的通知"], ["第一条　考核每季度进行一次。"]]],
                      CreationDate="D:20230110093000+08'00'")  # fmt: skip
    path = write(tmp_path / "corpus" / "policy" / "关于印发干部绩效动态考核办法的通知.pdf", pdf)
    result, report = imported(cli, tmp_path / "corpus")
    assert result.exit_code == 0, result.output
    assert report[str(path)]["id"] == "20230110-P01" and "PDF" in report[str(path)]["assigned"]


def test_a_saved_web_page_is_numbered_as_media_from_its_byline_date_with_its_outlet_kept(cli, tmp_path):
    from tests.test_webpage_import import page

    path = write(tmp_path / "corpus" / "media" / "石桥镇考核改革.html", page('<meta charset="gbk">').encode("gbk"))
    result, report = imported(cli, tmp_path / "corpus")
    assert result.exit_code == 0, result.output
    assert report[str(path)]["id"] == "20230110-M01"
    shown = json.loads(cli("sources", "show", "20230110-M01", "--json").stdout)
    assert shown["meta"]["outlet"] == "某某日报"


def test_two_people_uploading_at_once_never_get_one_number(cli, tmp_path):
    corpus = tmp_path / "corpus"
    jobs = [
        [{"corpus": str(corpus), "name": f"通知{w}-{n}.txt", "kind": "policy",
          "data": POLICY_NO_ID.replace("2022-04-01", f"2022-05-0{w + 1}").replace("每季度", f"第{n}次")}
         for n in range(3)]
        for w in range(2)
    ]  # fmt: skip
    reports = run_workers(concurrency_worker.upload_files, cli.url, jobs)
    assert [e for r in reports for e in r["errors"]] == [] and [x for r in reports for x in r["refused"]] == []
    added = [a for r in reports for a in r["added"]]
    assert sorted(a["id"].split("-P")[1] for a in added) == ["01", "02", "03", "04", "05", "06"]
    kept = sorted(p.name for p in corpus.rglob("*.txt"))
    assert kept == sorted(f"{a['id']}_{a['name']}" for a in added)


def test_an_interview_never_takes_its_date_from_what_is_said_in_it(cli, tmp_path):
    text = "---\nkind: interview\ninterviewee: 马继强\n---\n访谈者：您哪年来的？\nMJQ：我是2019年3月1日调到街道的。\n"
    path = write(tmp_path / "in" / "马书记.txt", text)
    _, report = imported(cli, path)
    assert report[str(path)]["status"] == "failed" and "date (YYYY-MM-DD)" in report[str(path)]["message"]


def test_a_bad_date_in_one_file_fails_that_file_and_the_batch_goes_on(cli, tmp_path):
    bad = write(tmp_path / "in" / "a.txt", POLICY_NO_ID.replace("2022-04-01", "2022-02-30"))
    good = write(tmp_path / "in" / "b.txt", POLICY_NO_ID)
    result, report = imported(cli, bad, good)
    assert result.exit_code == 1
    assert "not a real YYYY-MM-DD" in report[str(bad)]["message"] and report[str(good)]["status"] == "imported"


def test_an_interview_takes_no_title_from_the_word_file_properties(cli, tmp_path):
    import docx

    document = docx.Document()
    document.core_properties.title = "单晓明访谈记录"
    document.add_paragraph("访谈者：您好。")
    path = tmp_path / "interviews" / "20240305SXM.docx"
    path.parent.mkdir(parents=True)
    document.save(path)
    _, report = imported(cli, path)
    assert report[str(path)]["status"] == "imported"
    assert json.loads(cli("sources", "show", "20240305SXM", "--json").stdout)["title"] is None
