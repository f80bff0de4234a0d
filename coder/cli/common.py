"""What every command shares: the root ``app``, the ``--db`` option, output and error handling.

Everything here, and at the top of every module of this package, is cheap to import: Typer builds the
whole command tree for any command, so a heavy import at module level (spaCy, pandas, SQLModel …) would
be paid by ``qcoder id check`` as much as by ``qcoder tag``. Commands import what they use in their bodies.

Nor ``from __future__ import annotations`` in this package: Typer would ``eval`` every option's annotation
string to build the tree (80 ms of every start, against 17 ms for annotations that are objects already).
"""

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from coder.controls import escaped, json_escaped
from coder.errors import QcoderError

if TYPE_CHECKING:
    from rich.console import Console

    from coder.project import Project

app = typer.Typer(
    help="qcoder：中文质性案例研究编码工具 / qualitative coding for Chinese case studies",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # a crash's trace would print every local: passwords, transcripts
)


class EscapingConsole:
    """Where commands print for people: user text is never read as markup or emoji codes (titles may hold
    ``[brackets]`` and ``:colons:``), and its control characters are shown escaped.

    A plain line is written as it is, which is all rich would do with it; rich is loaded for the rest —
    tables, and tabs, which it lays out by display width (a hanzi takes two columns) — since its import
    alone is a tenth of what ``qcoder id check`` takes."""

    def __init__(self, stderr: bool = False) -> None:
        self.stderr = stderr

    @functools.cached_property
    def rich(self) -> "Console":
        from rich.console import Console

        return Console(stderr=self.stderr, soft_wrap=True, markup=False, highlight=False, emoji=False)

    @property
    def is_terminal(self) -> bool:
        return self.rich.is_terminal

    def print(self, *objects: Any, sep: str = " ", end: str = "\n") -> None:
        if all(isinstance(o, str) and "\t" not in o for o in objects):
            stream = sys.stderr if self.stderr else sys.stdout
            stream.write(sep.join(map(escaped, objects)) + end)
            stream.flush()  # as rich does: a log of stdout and stderr together keeps their order
            return
        self.rich.print(*(escaped(o) if isinstance(o, str) else o for o in objects), sep=sep, end=end)


# File names, titles and transcripts may hold [brackets] or terminal escapes: shown, never obeyed.
out = EscapingConsole()
err = EscapingConsole(stderr=True)
_db_url: dict[str, str | None] = {"url": None}

JsonOption = Annotated[bool, typer.Option("--json", help="输出一个 JSON 文档 / print one JSON document")]
OutputOption = Annotated[Path | None, typer.Option("-o", "--output", help="写入文件 / write to this file")]
LangOption = Annotated[str, typer.Option(help="语言 zh | en / language of headings")]
CoderOption = Annotated[str | None, typer.Option("--coder", help="审阅者 / reviewer")]
NoMaskOption = Annotated[
    bool, typer.Option("--no-mask", help="保留屏蔽列表中的真实名称（默认隐去）/ keep the names the mask list hides")
]


@app.callback()
def main(
    db: Annotated[
        str | None, typer.Option("--db", help="数据库 URL（默认 QCODER_DB_URL 或 sqlite:///db/qcoder.sqlite）")
    ] = None,
) -> None:
    _db_url["url"] = db


def db_url() -> str | None:
    """The ``--db`` given on this command line, if any (else the library's default applies)."""
    return _db_url["url"]


def use_database(url: str | None) -> None:
    """A command's own ``--db`` (``qcoder app --db``): what it opens, and what its errors name."""
    if url is not None:
        _db_url["url"] = url


def friendly(command: Callable) -> Callable:
    """Show user errors as two-language messages and exit 1, never as a stack trace."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except QcoderError as exc:
            err.print(f"错误 / error: {exc.zh}\n{exc.en}")
            raise typer.Exit(1) from None
        except Exception as exc:
            if not _database_error(exc):
                raise
            from coder.db.redact import describe, display_url
            from coder.db.url import database_url

            url = database_url(db_url())
            where, detail = display_url(url), describe(exc, url)
            err.print(f"错误 / error: 无法使用数据库 {where} / cannot use database {where}: {detail}")
            raise typer.Exit(1) from None

    return run


# Database drivers a URL may name; one missing is the database's problem, any other failed import is a bug.
DRIVERS = (
    "psycopg",
    "psycopg2",
    "pg8000",
    "asyncpg",
    "pysqlite2",
    "sqlite3",
    "_sqlite3",
    "MySQLdb",
    "pymysql",
    "oracledb",
)


def _database_error(exc: Exception) -> bool:
    """A failure of the database or of its driver's import. SQLAlchemy is looked up, not imported: a
    command that never opened a database cannot have raised its errors."""
    if isinstance(exc, ImportError):
        return (exc.name or "").split(".")[0] in DRIVERS
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
    return sqlalchemy_exc is not None and isinstance(exc, sqlalchemy_exc.SQLAlchemyError)


def print_json(data: Any) -> None:
    sys.stdout.write(json_escaped(json.dumps(data, ensure_ascii=False, indent=2, default=str)) + "\n")


def print_table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    """A table for people at a terminal; tab-separated lines for pipes and scripts."""
    if not out.is_terminal:
        for row in [dict(zip(columns, columns, strict=True)), *rows]:
            sys.stdout.write("\t".join(escaped(cell(row.get(c))) for c in columns) + "\n")
        return
    from rich.table import Table

    table = Table(*map(escaped, columns), show_edge=False, pad_edge=False)  # icr's headers hold coder names
    for row in rows:
        table.add_row(*("" if row.get(c) is None else escaped(str(row.get(c))) for c in columns))
    out.print(table)


def cell(value: Any) -> str:
    """A value for one tab-separated cell: tabs and line breaks inside it would break the row."""
    return "" if value is None else " ".join(str(value).split("\t")).replace("\n", " ⏎ ")


def project() -> "Project":
    from coder.project import Project

    return Project.open(db_url())


BINARY = ("docx", "xlsx")


def emit(data: bytes, fmt: str, output: Path | None) -> None:
    """A rendered file to ``output`` (saying so, and saying when it replaced one) or to stdout; binary
    formats only into a file or a pipe, never onto a terminal."""
    from coder.files import unwritable, write_atomically

    if output is None and fmt in BINARY and sys.stdout.isatty():
        raise QcoderError(f"{fmt} 文件请用 -o 指定写入位置", f"write a {fmt} file with -o FILE")
    if output is None:
        try:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        except OSError as exc:
            raise unwritable("<stdout>", exc, kept=False) from None
        return
    replaced = write_atomically(output, data)
    err.print(f"{'已覆盖' if replaced else '已写入'} {output} / {'replaced' if replaced else 'wrote'} {output}")
