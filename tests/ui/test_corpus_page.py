"""The 语料 Corpus page: uploads follow `qcoder import`'s rules; metadata can change, text cannot."""

import datetime as dt
import json

import pytest

from coder.project import Project
from tests.helpers import INTERVIEW, page_app, write


@pytest.fixture
def at(monkeypatch, sqlite_cli, tmp_path):
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    monkeypatch.setenv("QCODER_CODER", "研究者A")
    assert (
        sqlite_cli("import", str(write(tmp_path / "in" / "interviews" / "20240115MJQ.txt", INTERVIEW))).exit_code == 0
    )
    return page_app("sources_page").run()


def save(at):
    return next(b for b in at.button if b.label == "保存")


def shown(cli):
    return json.loads(cli("sources", "show", "20240115MJQ", "--json").stdout)


def test_metadata_edits_are_saved_and_the_text_is_not_editable(at, sqlite_cli):
    assert not at.exception
    labels = [w.label for w in at.text_input]
    assert "身份" in labels and not any(label in ("text", "正文") for label in labels)  # fields by their names
    at.text_input[labels.index("身份")].input("居委会主任")
    save(at).click().run()
    assert shown(sqlite_cli)["meta"]["role"] == "居委会主任"


def test_a_bad_date_is_refused_in_the_page(at, sqlite_cli):
    next(w for w in at.text_input if w.label == "日期").input("2024-02-30")
    save(at).click().run()
    assert "应为真实存在的" in at.error[0].value  # in the interface language (Markdown escaped)
    assert shown(sqlite_cli)["date"] == "2024-01-15"


def test_real_names_only_on_request(at):
    assert not any("马继强" in c.value for c in at.caption)
    at.checkbox(key="show_names").check().run()
    assert any("马继强" in c.value for c in at.caption)


def test_an_upload_is_kept_in_the_corpus_and_never_overwrites(sqlite_cli, tmp_path):
    project = Project.open(sqlite_cli.url)
    corpus = tmp_path / "corpus"
    text = "问：好。\n答：好的。".encode()
    first = project.import_upload(corpus, "20240116LXF.txt", text, "interview")
    assert first["status"] == "imported" and (corpus / "interviews" / "20240116LXF.txt").read_bytes() == text
    clash = project.import_upload(corpus, "20240116LXF.txt", "问：另一份。".encode(), "interview")
    assert clash["status"] == "failed" and "nothing was overwritten" in clash["message"]
    bad = project.import_upload(corpus, "20240230ZHY.txt", text, "interview")
    assert bad["status"] == "failed" and not (corpus / "interviews" / "20240230ZHY.txt").exists()


def test_tagging_from_the_page_reports_what_it_did(at, sqlite_cli):
    at.button(key="tag_sources").click().run()
    assert not at.exception
    assert "1 个来源" in at.success[0].value
    assert json.loads(sqlite_cli("code", "list", "--status", "suggested", "--json").stdout)


def test_the_upload_area_explains_the_id_convention_and_front_matter(at):
    help_text = next(m.value for m in at.markdown if "记录编号" in m.value)
    assert "20240115MJQ" in help_text and "kind: interview" in help_text and "interviewee" in help_text


def test_the_id_maker_gives_date_and_initials_with_the_surname_rules(at):
    at.text_input(key="id_maker_name").input("单晓明")
    at.date_input(key="id_maker_date").set_value(dt.date(2024, 3, 5))
    at.button(key="id_maker_make").click().run()
    assert not at.exception
    assert [c.value for c in at.code] == ["20240305SXM"]


def test_the_id_maker_adds_a_visible_suffix_for_a_second_person_with_the_same_initials(at):
    at.text_input(key="id_maker_name").input("毛家全")
    at.date_input(key="id_maker_date").set_value(dt.date(2024, 1, 15))
    at.button(key="id_maker_make").click().run()
    assert [c.value for c in at.code] == ["20240115MJQ-2"]
    assert any("-2" in w.value for w in at.warning)


def test_an_upload_without_an_id_is_kept_under_the_id_it_was_given(sqlite_cli, tmp_path):
    project = Project.open(sqlite_cli.url)
    corpus = tmp_path / "corpus"
    data = "---\nkind: policy\ndate: 2022-04-01\n---\n第一条　考核每季度进行一次。".encode()
    planned = project.preview_upload("policy1.txt", data, "interview")
    assert (planned["id"], planned["kind"], planned["declared"]) == ("20220401-P01", "policy", False)
    assert not list(corpus.rglob("*"))  # a preview keeps nothing
    result = project.import_upload(corpus, "policy1.txt", data, "interview")
    assert result["id"] == "20220401-P01" and "assigned ID 20220401-P01" in result["assigned"]
    assert [p.relative_to(corpus).as_posix() for p in corpus.rglob("*.txt")] == ["policy/20220401-P01_policy1.txt"]
    again = project.import_upload(corpus, "policy1.txt", data, "media")
    assert again["status"] == "unchanged" and len(list(corpus.rglob("*.txt"))) == 1


def test_an_id_typed_over_the_one_qcoder_made_is_used_and_said(sqlite_cli, tmp_path):
    project = Project.open(sqlite_cli.url)
    data = "---\nkind: policy\ndate: 2022-04-01\n---\n第一条。".encode()
    result = project.import_upload(tmp_path / "corpus", "通知.txt", data, "policy", record_id="20220401-P09")
    assert result["id"] == "20220401-P09" and "given at upload" in result["assigned"]
    assert (tmp_path / "corpus" / "policy" / "20220401-P09_通知.txt").exists()


def test_a_file_that_carries_its_id_cannot_be_given_another_at_upload(sqlite_cli, tmp_path):
    project = Project.open(sqlite_cli.url)
    result = project.import_upload(
        tmp_path / "corpus", "20240116LXF.txt", "问：好。".encode(), "interview", "20240116LX"
    )
    assert result["status"] == "failed" and "carries the ID 20240116LXF" in result["message"]
    assert not (tmp_path / "corpus").exists() or not list((tmp_path / "corpus").rglob("*.txt"))


def test_a_batch_of_uploads_previews_consecutive_numbers(sqlite_cli):
    project = Project.open(sqlite_cli.url)
    data = "---\nkind: policy\ndate: 2022-04-01\n---\n第一条。".encode()
    first = project.preview_upload("a.txt", data, "policy")
    second = project.preview_upload("b.txt", data.replace("一".encode(), "二".encode()), "policy", (first["id"],))
    assert (first["id"], second["id"]) == ("20220401-P01", "20220401-P02")


def test_an_id_typed_at_upload_must_be_an_id_and_never_leaves_the_corpus_folder(sqlite_cli, tmp_path):
    project = Project.open(sqlite_cli.url)
    data = "---\nkind: policy\ndate: 2022-04-01\n---\n第一条。".encode()
    result = project.import_upload(tmp_path / "corpus", "c.txt", data, "policy", record_id="../../escaped")
    assert result["status"] == "failed" and "8-digit date" in result["message"]
    assert not list(tmp_path.rglob("*escaped*")) and not (tmp_path / "corpus").exists()


def test_a_typed_id_does_not_let_a_bad_file_into_the_corpus_folder(sqlite_cli, tmp_path):
    project = Project.open(sqlite_cli.url)
    result = project.import_upload(tmp_path / "corpus", "x.txt", b"\x00\x01binary\x00", "policy", "20220401-P03")
    assert result["status"] == "failed" and "binary" in result["message"]
    assert not (tmp_path / "corpus").exists()


def test_a_bad_front_matter_date_in_an_upload_is_a_message_not_a_crash(sqlite_cli, tmp_path):
    project = Project.open(sqlite_cli.url)
    data = "---\nkind: policy\ndate: 2022-02-30\n---\n第一条。".encode()
    assert "not a real YYYY-MM-DD" in project.preview_upload("a.txt", data, "policy")["message"]
    assert "not a real YYYY-MM-DD" in project.import_upload(tmp_path / "corpus", "a.txt", data, "policy")["message"]
