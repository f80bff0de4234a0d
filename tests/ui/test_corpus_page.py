"""The 语料 Corpus page: uploads follow `qcoder import`'s rules; metadata can change, text cannot."""

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
    assert "role" in labels and not any(label == "text" for label in labels)
    at.text_input[labels.index("role")].input("居委会主任")
    save(at).click().run()
    assert shown(sqlite_cli)["meta"]["role"] == "居委会主任"


def test_a_bad_date_is_refused_in_the_page(at, sqlite_cli):
    at.text_input[1].input("2024-02-30")
    save(at).click().run()
    assert "is not a real" in at.error[0].value  # (the page shows it with Markdown escaped)
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
