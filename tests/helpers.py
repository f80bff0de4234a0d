"""Small builders the tests share: files on disk, a Word document, the CLI bound to one database."""

from __future__ import annotations

import io
import os
from pathlib import Path

import docx
import yaml
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from coder.cli import app


class Cli:
    """Runs `qcoder` in-process against one database, from a project folder of its own."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url = url
        self.folder = folder
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        cwd = os.getcwd()
        os.chdir(self.folder)
        try:
            return self.runner.invoke(app, ["--db", self.url, *args], input=input, catch_exceptions=False)
        finally:
            os.chdir(cwd)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


INTERVIEW = """---
id: 20240115MJQ
kind: interview
date: 2024-01-15
interviewee: 马继强
role: 社区党委书记
organization: 幸福社区
---
访谈者：请您谈谈考核改革。
MJQ：以前考核就是走过场。现在排名都公示出来了！
"""


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
        document.add_paragraph("表后一段。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_with_body(body_xml: str) -> bytes:
    """A Word file whose document body is exactly ``body_xml`` (for tracked changes and odd tables)."""
    import zipfile

    buffer = io.BytesIO(make_docx(["占位"]))
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                xml = data.decode("utf-8")
                start = xml.index("<w:body>") + len("<w:body>")
                data = (xml[:start] + body_xml + xml[xml.index("<w:sectPr") :]).encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


def page_app(module: str) -> AppTest:
    """An AppTest running one page module of ``coder.ui`` on its own (its ``render()``), not yet run."""
    return AppTest.from_string(f"from coder.ui import {module}\n{module}.render()\n", default_timeout=30)


def code_quotes(cli, tmp_path: Path, files: dict[str, str], quotes: dict[str, list[tuple[str, str]]]) -> None:
    """Import ``files`` and code them by ``quotes`` ({source: [(code, quote)]}) as 研究者A's work."""
    for name, content in files.items():
        write(tmp_path / "corpus" / name, content)
    result = cli("import", str(tmp_path / "corpus"))
    assert result.exit_code == 0, result.output
    for source, pairs in quotes.items():
        body = {"source": source, "codings": [{"code": c, "quote": q} for c, q in pairs]}
        write(tmp_path / "quotes" / f"{source}.yaml", yaml.safe_dump(body, allow_unicode=True))
    if quotes:
        result = cli("code", "import", str(tmp_path / "quotes"), "--coder", "研究者A")
        assert result.exit_code == 0, result.output
