"""Small hostile files are refused by name before they cost memory, and the rest of the batch still imports.

Each bomb here is a few kilobytes on disk; unchecked, the same shapes took gigabytes and minutes
(issue 21). Every refusal must name the file, the member or key, the limit and how to raise it.
"""

from __future__ import annotations

import io
import json
import os
import threading
import zipfile
from pathlib import Path

import pytest

from coder import codebook
from coder.errors import QcoderError
from coder.project import Project
from coder.sources import corpus
from coder.sources.textfile import FileProblem, read_text
from tests.helpers import INTERVIEW, make_docx, write
from tests.refi import foreign

TRANSCRIPT = "访谈者：请谈谈考核。\nWL：以前考核走过场。"
# Nine levels of nine aliases: 482 bytes that a plain YAML loader expands to 9^9 strings.
ALIAS_BOMB = "\n".join(
    [
        'l0: &l0 ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]',
        *(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 9)),
    ]
)


def bomb(size_mb: int, head: bytes = b"", tail: bytes = b"") -> bytes:
    """``size_mb`` megabytes of one repeated byte between ``head`` and ``tail``: a thousandfold deflate."""
    return head + b" " * (size_mb << 20) + tail


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_members(paragraph: str) -> dict[str, bytes]:
    """The parts of a one-paragraph Word file, to be tampered with."""
    with zipfile.ZipFile(io.BytesIO(make_docx([paragraph]))) as original:
        return {name: original.read(name) for name in original.namelist()}


def entity_project(name: str, text: str) -> str:
    """A project.qde whose DTD declares the entity ``&co;``, which ``name`` or ``text`` may use."""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE Project [<!ENTITY co "幸福社区">]>\n'
        f'<Project xmlns="{foreign.NS}" name="{name}"><Sources><TextSource guid="{GOOD}" name="20240301WL">'
        f"<PlainTextContent>{text}</PlainTextContent></TextSource></Sources></Project>"
    )


def source_element(guid: str, name: str, member: str) -> str:
    return f'<TextSource guid="{guid}" name="{name}" plainTextPath="internal://{member}"/>'


GOOD = "{0A1B2C3D-0000-4000-8000-0000000000A1}"
BAD = "{0A1B2C3D-0000-4000-8000-0000000000B2}"


def test_a_qdpx_whose_project_file_is_a_zip_bomb_is_refused_naming_the_member(sqlite_cli, tmp_path):
    head = f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{foreign.NS}" name="x">'.encode()
    package = write(tmp_path / "bomb.qdpx", zipped({"project.qde": bomb(8, head, b"</Project>")}))
    assert package.stat().st_size < 20_000
    result = sqlite_cli("import", str(package), "--json")
    assert result.exit_code == 1
    [report] = json.loads(result.stdout)["qdpx"]
    assert report["status"] == "failed"
    message = report["message"]
    assert "project.qde" in message and "QCODER_MAX_COMPRESSION_RATIO" in message
    assert "压缩比" in message and "compression ratio" in message


def test_a_qdpx_source_file_that_is_a_zip_bomb_skips_that_source_and_imports_the_others(sqlite_cli, tmp_path):
    sources = source_element(GOOD, "20240301WL", "good.txt") + source_element(BAD, "20240302ZS", "bad.txt")
    members = {
        "project.qde": foreign.project(f"<Sources>{sources}</Sources>").encode(),
        "sources/good.txt": TRANSCRIPT.encode(),
        "sources/bad.txt": bomb(8),
    }
    package = write(tmp_path / "member.qdpx", zipped(members))
    assert package.stat().st_size < 20_000
    result = sqlite_cli("import", str(package), "--json")
    report = json.loads(result.stdout)["qdpx"][0]
    assert report["sources_added"] == ["20240301WL"]
    [skipped] = report["skipped"]
    assert "sources/bad.txt" in skipped and "QCODER_MAX_" in skipped


def test_codebook_import_of_a_bombed_qdpx_is_refused_and_writes_nothing(sqlite_cli, tmp_path):
    head = f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{foreign.NS}" name="x">'.encode()
    package = write(tmp_path / "bomb.qdpx", zipped({"project.qde": bomb(8, head, b"</Project>")}))
    target = tmp_path / "book.yaml"
    result = sqlite_cli("codebook", "import", str(package), "-o", str(target))
    assert result.exit_code == 1
    assert "project.qde" in result.stderr and "QCODER_MAX_COMPRESSION_RATIO" in result.stderr
    assert not target.exists()


def test_a_docx_whose_document_is_a_zip_bomb_is_refused_before_python_docx_reads_it(tmp_path):
    members = docx_members("正文")
    members["word/document.xml"] = bomb(8, members["word/document.xml"][:-20], members["word/document.xml"][-20:])
    path = write(tmp_path / "20240115MJQ.docx", zipped(members))
    assert path.stat().st_size < 60_000  # python-docx's empty document is 36 KB of it
    with pytest.raises(FileProblem, match=r"word/document\.xml") as refused:
        read_text(path)
    assert "QCODER_MAX_COMPRESSION_RATIO" in str(refused.value) and "压缩比" in str(refused.value)


def test_the_declared_size_limit_is_checked_from_the_zip_directory_and_can_be_raised(tmp_path, monkeypatch):
    members = {"word/document.xml": "正文".encode() * 400_000}  # 2.4 MB, compresses only a few hundred fold
    monkeypatch.setenv("QCODER_MAX_ARCHIVE_MEMBER_MB", "1")
    monkeypatch.setenv("QCODER_MAX_COMPRESSION_RATIO", "100000")
    path = write(tmp_path / "big.docx", zipped(members))
    with pytest.raises(FileProblem, match="QCODER_MAX_ARCHIVE_MEMBER_MB") as refused:
        read_text(path)
    assert "word/document.xml" in str(refused.value) and "1 MB" in str(refused.value)


def test_a_front_matter_alias_bomb_is_refused_by_line_and_the_rest_of_the_batch_imports(sqlite_cli, tmp_path):
    folder = tmp_path / "corpus" / "interviews"
    write(folder / "20240116LH.txt", f"---\n{ALIAS_BOMB}\n---\n访谈者：你好。\nLH：你好。\n")
    write(folder / "20240115MJQ.txt", INTERVIEW)
    result = sqlite_cli("import", str(tmp_path / "corpus"), "--json")
    assert result.exit_code == 1
    by_file = {Path(r["path"]).name: r for r in json.loads(result.stdout)["results"]}
    assert by_file["20240115MJQ.txt"]["status"] == "imported"
    refused = by_file["20240116LH.txt"]
    assert refused["status"] == "failed"
    assert "第 2 行" in refused["message"] and "line 2" in refused["message"]  # the first anchor
    assert "anchors and aliases" in refused["message"] and "别名" in refused["message"]


def test_a_codebook_alias_bomb_is_refused_by_codebook_check(sqlite_cli, tmp_path):
    path = write(tmp_path / "codebook.yaml", f"name: 炸弹\n{ALIAS_BOMB}\n")
    result = sqlite_cli("codebook", "check", str(path))
    assert result.exit_code == 1
    assert "anchors and aliases" in result.output and "codebook.yaml" in result.output


def test_gold_and_quote_files_refuse_aliases_too(sqlite_cli, tmp_path):
    write(tmp_path / "quotes" / "20240115MJQ.yaml", f"source: 20240115MJQ\n{ALIAS_BOMB}\ncodings: []\n")
    result = sqlite_cli("code", "import", str(tmp_path / "quotes"), "--coder", "研究者A")
    assert result.exit_code == 1
    assert "anchors and aliases" in result.output and "20240115MJQ.yaml" in result.output


def test_a_source_over_the_character_limit_is_refused_before_decoding_naming_the_setting(
    sqlite_cli, tmp_path, monkeypatch
):
    folder = tmp_path / "corpus" / "interviews"
    huge = folder / "20240117WW.txt"
    folder.mkdir(parents=True)
    with huge.open("wb") as sparse:  # 50 MB on paper, nothing on disk: refused on its size alone
        sparse.truncate(50 << 20)
    write(folder / "20240115MJQ.txt", INTERVIEW)
    result = sqlite_cli("import", str(tmp_path / "corpus"), "--json")
    by_file = {Path(r["path"]).name: r for r in json.loads(result.stdout)["results"]}
    assert by_file["20240115MJQ.txt"]["status"] == "imported"
    message = by_file["20240117WW.txt"]["message"]
    assert "5,000,000 字符的上限" in message and "QCODER_MAX_SOURCE_CHARS" in message and "52,428,800" in message

    monkeypatch.setenv("QCODER_MAX_SOURCE_CHARS", "30")  # 120 bytes may still decode to 30 characters
    write(folder / "20240118ZS.txt", "访谈者：好。\nZS：" + "x" * 40)
    result = sqlite_cli("import", str(folder / "20240118ZS.txt"), "--json")
    [refused] = json.loads(result.stdout)["results"]
    assert refused["status"] == "failed" and "正文长度" in refused["message"] and "30" in refused["message"]


def test_an_internal_entity_in_qdpx_text_refuses_the_file_instead_of_cutting_the_text(sqlite_cli, tmp_path):
    package = foreign.qdpx(tmp_path / "entity.qdpx", {"project.qde": entity_project("x", "访谈者：请谈谈&co;的考核")})
    result = sqlite_cli("import", str(package), "--json")
    assert result.exit_code == 1
    [report] = json.loads(result.stdout)["qdpx"]
    assert report["status"] == "failed" and "&co;" in report["message"] and "实体引用" in report["message"]
    assert json.loads(sqlite_cli("sources", "list", "--json").stdout) == []


def test_an_entity_in_a_docx_run_refuses_the_file_instead_of_dropping_the_paragraph(tmp_path):
    members = docx_members("占位")
    xml = members["word/document.xml"].decode()
    declaration_end = xml.index("?>") + 2
    xml = xml[:declaration_end] + '\n<!DOCTYPE w:document [<!ENTITY co "幸福社区">]>' + xml[declaration_end:]
    members["word/document.xml"] = xml.replace("占位", "请谈谈&co;的考核").encode()
    path = write(tmp_path / "20240115MJQ.docx", zipped(members))
    with pytest.raises(FileProblem, match="&co;") as refused:
        read_text(path)
    assert "实体引用" in str(refused.value) and "entity reference" in str(refused.value)


@pytest.mark.parametrize(
    ("original", "hostile", "key", "rule"),
    [
        ("role: 社区党委书记", 'role: "书记\\x00"', "role", "NUL"),
        ("organization: 幸福社区", 'organization: "社区\\ud800"', "organization", "surrogate"),
    ],
)
def test_nul_and_lone_surrogates_in_metadata_are_refused_naming_the_key(cli, tmp_path, original, hostile, key, rule):
    text = INTERVIEW.replace(original, hostile)
    path = write(tmp_path / "corpus" / "interviews" / "20240115MJQ.txt", text)
    result = cli("import", str(path), "--json")
    assert result.exit_code == 1
    [refused] = json.loads(result.stdout)["results"]
    assert refused["status"] == "failed" and f"元数据 {key}" in refused["message"] and rule in refused["message"]
    assert "马继强" not in result.output and json.loads(cli("sources", "list", "--json").stdout) == []


def test_a_full_width_record_id_is_stored_in_ascii_so_the_same_interview_is_not_imported_twice(cli, tmp_path):
    wide = write(tmp_path / "a" / "访谈一.txt", INTERVIEW.replace("id: 20240115MJQ", "id: ２０２４０１１５ＭＪＱ"))
    result = cli("import", str(wide), "--json")
    assert json.loads(result.stdout)["results"][0]["id"] == "20240115MJQ"
    assert [s["id"] for s in json.loads(cli("sources", "list", "--json").stdout)] == ["20240115MJQ"]
    again = write(tmp_path / "b" / "20240115MJQ.txt", INTERVIEW + "MJQ：再补充一句。\n")
    result = cli("import", str(again), "--json")
    [refused] = json.loads(result.stdout)["results"]
    assert refused["status"] == "failed" and "已由" in refused["message"]
    assert cli("sources", "show", "２０２４０１１５ＭＪＱ").exit_code == 0


def test_a_codebook_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    monkeypatch.setenv("QCODER_MAX_YAML_MB", "1")
    path = write(tmp_path / "codebook.yaml", "name: 大\n" + "# 注释\n" * 200_000)
    with pytest.raises(QcoderError, match="QCODER_MAX_YAML_MB"):
        codebook.load(path)


def test_an_upload_over_the_limits_is_refused_before_it_is_kept_in_the_corpus(sqlite_cli, tmp_path, monkeypatch):
    project = Project.open(sqlite_cli.url)
    corpus = tmp_path / "corpus"
    members = docx_members("正文")
    members["word/document.xml"] = bomb(8, members["word/document.xml"][:-20], members["word/document.xml"][-20:])
    refused = project.import_upload(corpus, "20240115MJQ.docx", zipped(members), "interview")
    assert refused["status"] == "failed" and "QCODER_MAX_COMPRESSION_RATIO" in refused["message"]
    monkeypatch.setenv("QCODER_MAX_SOURCE_CHARS", "10")
    refused = project.import_upload(corpus, "20240116LH.txt", ("问：好。\n答：" + "好" * 40).encode(), "interview")
    assert refused["status"] == "failed" and "QCODER_MAX_SOURCE_CHARS" in refused["message"]
    assert not list(corpus.rglob("*.*"))
    assert project.sources() == []


def test_front_matter_over_its_own_limit_is_refused_before_yaml_reads_it(sqlite_cli, tmp_path):
    flat = "tags: [" + "甲," * 10_000 + "乙]"  # 40 KB, no alias: refused on its size alone
    path = write(tmp_path / "corpus" / "interviews" / "20240116LH.txt", f"---\n{flat}\n---\n问：好。\n答：好。\n")
    [refused] = json.loads(sqlite_cli("import", str(path), "--json").stdout)["results"]
    assert refused["status"] == "failed" and "QCODER_MAX_FRONT_MATTER_KB" in refused["message"]
    assert "元数据块" in refused["message"] and "front matter" in refused["message"]


def test_yaml_with_more_values_than_the_node_limit_is_refused_by_line(sqlite_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("QCODER_MAX_YAML_NODES", "1000")
    path = write(tmp_path / "codebook.yaml", "name: 大\nversion: '1'\nlist:\n" + "  - 值\n" * 2000)
    result = sqlite_cli("codebook", "check", str(path))
    assert result.exit_code == 1
    assert "QCODER_MAX_YAML_NODES" in result.output and "1,000" in result.output and "Traceback" not in result.output


def test_deeply_nested_yaml_is_refused_by_line_not_by_a_recursion_error(sqlite_cli, tmp_path):
    deep = "name: " + "[" * 5_000 + "]" * 5_000
    book = write(tmp_path / "codebook.yaml", deep + "\n")
    result = sqlite_cli("codebook", "check", str(book))
    assert result.exit_code == 1 and "nested more than 64" in result.output and "Traceback" not in result.output
    path = write(
        tmp_path / "corpus" / "interviews" / "20240116LH.txt", f"---\nx: {'[' * 500}{']' * 500}\n---\n答：好。\n"
    )
    [refused] = json.loads(sqlite_cli("import", str(path), "--json").stdout)["results"]
    assert refused["status"] == "failed" and "嵌套超过 64 层" in refused["message"] and "第 2 行" in refused["message"]


def corrupted(data: bytes, member: str) -> bytes:
    """``data`` with bytes in the middle of ``member``'s deflate stream flipped: its zip directory still reads."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    broken = bytearray(data)
    broken[middle : middle + 16] = bytes(b ^ 0xFF for b in broken[middle : middle + 16])
    return bytes(broken)


def test_a_corrupt_member_is_refused_by_name_in_the_cli_and_in_an_upload(sqlite_cli, tmp_path):
    members = {"project.qde": foreign.project("<Sources/>" + "<!-- 注释 -->" * 5_000).encode()}
    package = write(tmp_path / "corrupt.qdpx", corrupted(zipped(members), "project.qde"))
    result = sqlite_cli("import", str(package), "--json")
    [report] = json.loads(result.stdout)["qdpx"]
    assert report["status"] == "failed" and "project.qde" in report["message"] and "无法解压" in report["message"]

    docx_bytes = make_docx(["正文" * 3_000])
    refused = Project.open(sqlite_cli.url).import_upload(
        tmp_path / "corpus", "20240115MJQ.docx", corrupted(docx_bytes, "word/document.xml"), "interview"
    )
    assert refused["status"] == "failed" and "word/document.xml" in refused["message"]
    assert "cannot be inflated" in refused["message"]


def test_a_member_whose_directory_understates_its_size_is_refused_not_inflated(tmp_path):
    members = {"word/document.xml": bomb(4)}
    data = bytearray(zipped(members))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    central = data.rindex(b"PK\x01\x02")
    data[info.header_offset + 22 : info.header_offset + 26] = (100).to_bytes(4, "little")  # local header
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")  # central directory
    path = write(tmp_path / "liar.docx", bytes(data))
    with pytest.raises(FileProblem, match=r"word/document\.xml") as refused:
        read_text(path)
    assert "无法解压" in str(refused.value) and "cannot be inflated" in str(refused.value)


def test_a_dtd_refuses_a_qdpx_even_where_libxml2_would_expand_its_entity_in_an_attribute(sqlite_cli, tmp_path):
    package = foreign.qdpx(tmp_path / "dtd.qdpx", {"project.qde": entity_project("&co;", "访谈者：请谈谈考核")})
    [report] = json.loads(sqlite_cli("import", str(package), "--json").stdout)["qdpx"]
    assert report["status"] == "failed" and "DTD" in report["message"]
    assert json.loads(sqlite_cli("sources", "list", "--json").stdout) == []


def test_a_nul_in_a_front_matter_key_is_refused_too(sqlite_cli, tmp_path):
    text = INTERVIEW.replace("organization: 幸福社区", 'organization: 幸福社区\n"no\\x00te": 备注')
    path = write(tmp_path / "corpus" / "interviews" / "20240115MJQ.txt", text)
    [refused] = json.loads(sqlite_cli("import", str(path), "--json").stdout)["results"]
    assert refused["status"] == "failed" and "NUL" in refused["message"]


def test_a_pipe_named_like_a_transcript_is_refused_without_being_read(tmp_path):
    fifo = tmp_path / "interviews" / "20240115MJQ.txt"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            corpus.read_source(fifo)
            outcome.append(None)
        except FileProblem as exc:
            outcome.append(exc)

    reader = threading.Thread(target=attempt, daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():  # it is blocked reading the pipe: release it, then fail
        with open(fifo, "wb"):
            pass
        reader.join()
        pytest.fail("read_source opened the pipe instead of refusing it")
    assert outcome and "not a regular file" in str(outcome[0])
