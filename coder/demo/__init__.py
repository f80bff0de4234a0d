"""The demo project: a synthetic case (``corpus/``, see ``corpus/README.md``), its codebook and gold codings.

They ship inside the package so that ``qcoder app``, started from any folder after ``pip install .``, opens
on a project with something in it, as ``make run`` does in the repository. The demo is built only into an
empty database, so a researcher's own work is never rebuilt away.

This module is imported by the light commands (``coder.codebook`` takes the packaged codebook's path from
here): only paths at the top, everything else inside :func:`build_demo`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"  # interviews/, policy/, media/ and the gold codings in gold/
GOLD = CORPUS / "gold"
CODEBOOK = HERE / "codebook.yaml"  # the default codebook (scenario / structure / action)
# The gold quotes come in as a demo coder's finished work, so triangulation has evidence to check.
CODER = "演示编码员"
FIELDWORK = (dt.date(2024, 1, 10), dt.date(2024, 3, 31))  # the interviews' dates fall in it

# A bilingual message and the share of the build done, 0 … 1, in time: on a 2-core laptop the build takes
# about 8 s, half of it loading the libraries, a quarter tagging.
Progress = Callable[[str, float], None]


def build_demo(url: str | None = None, progress: Progress | None = None) -> bool:
    """Build the demo project into the database at ``url`` (``--db``, ``QCODER_DB_URL`` or the default
    SQLite file) when it holds nothing yet; whether it did.

    The steps are the ones ``make run`` ran as commands: ``init`` (schema and codebook: the project's
    ``codebook.yaml`` when the folder has one, else the packaged one, see :func:`coder.codebook.default_path`),
    ``import`` of the demo corpus, ``tag``, ``code import`` of the gold codings and ``fieldwork``. A database
    with any table in it (one ``qcoder init`` made, even with nothing imported) is left untouched.

    A build that fails or is interrupted leaves no half-built project to open next time: a SQLite file it
    created is removed with its ``-wal``/``-shm`` files; elsewhere (PostgreSQL) the tables it created are
    dropped, and the error says so, or says that tables are left when even that fails.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from coder.db import redact
    from coder.db.engine import database_url, make_engine
    from coder.errors import QcoderError

    def unusable(exc: SQLAlchemyError) -> QcoderError:
        where, detail = redact.display_url(database_url(url)), redact.describe(exc, database_url(url))
        return QcoderError(f"无法使用数据库 {where}：{detail}", f"cannot use database {where}: {detail}")

    tell = progress or _quiet
    try:
        created_file, empty = _state(url)
    except SQLAlchemyError as exc:  # not a database, or a server that does not answer: nothing was written
        raise unusable(exc) from None
    if not empty:
        return False
    where = redact.display_url(database_url(url))
    tell(f"数据库 {where} 为空：建立演示项目 / {where} is empty: building the demo project", 0.0)
    engine = make_engine(url)
    try:
        _build(engine, tell)
    except BaseException as exc:  # Ctrl-C during tagging too: the next start builds it again from nothing
        left = _undo(engine, created_file)
        problem = unusable(exc) if isinstance(exc, SQLAlchemyError) else exc
        if isinstance(problem, QcoderError):
            raise QcoderError(
                f"演示项目未能建立：{problem.zh}\n{left[0]}", f"the demo project was not built: {problem.en}\n{left[1]}"
            ) from None
        raise
    finally:
        engine.dispose()
    tell("演示项目已建立 / demo project built", 1.0)
    return True


def _quiet(_message: str, _done: float) -> None:
    pass


def _state(url: str | None) -> tuple[Path | None, bool]:
    """(the SQLite file a build would create, or None; whether the database is empty). A SQLite file that
    does not exist yet is not opened to look, which would create it."""
    from sqlalchemy import inspect

    from coder.db import sqlite_file
    from coder.db.engine import make_engine, parsed_url

    parsed = parsed_url(url)
    file = sqlite_file.database_path(parsed) if parsed.get_backend_name() == "sqlite" else None
    if file is not None and not file.exists():
        return file, True
    engine = make_engine(url)
    try:
        return None, not inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _build(engine, tell: Progress) -> None:
    """``init``, ``import``, ``tag``, ``code import`` and ``fieldwork`` of the demo, as the library does them
    for the commands; any step's problem is raised (a file that did not import fails the build)."""
    from coder import codebook, codebook_sync
    from coder.audit import coder_named
    from coder.db import migrate
    from coder.db.engine import retrying
    from coder.errors import QcoderError
    from coder.project import Project
    from coder.quote_files import load_quote_files
    from coder.sources import corpus

    book_path = codebook.default_path()
    tell(f"建立数据库并同步编码簿 {book_path} / creating the database, syncing codebook {book_path}", 0.45)
    book = codebook.load(book_path)  # checked before the database is touched
    migrate.upgrade(engine)
    retrying(engine, lambda session: codebook_sync.sync(session, book, coder_named(session, None)))

    files = corpus.collect([CORPUS])
    done = iter(range(1, len(files) + 1))
    tell(f"导入演示语料 {len(files)} 个文件 / importing {len(files)} demo files", 0.5)

    def imported(path: Path) -> None:
        n = next(done)
        tell(f"导入 / importing {n}/{len(files)} {path.name}", 0.5 + 0.1 * n / len(files))

    results = corpus.import_files(engine, files, None, progress=imported)
    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise QcoderError(
            "以下演示文件未能导入：" + "；".join(f"{r.path}：{r.message}" for r in failed),
            "these demo files did not import: " + "; ".join(f"{r.path}: {r.message}" for r in failed),
        )

    project = Project(engine)
    sources = len(project.source_ids())
    tagged = iter(range(1, sources + 1))
    tell(f"标注 {sources} 个来源 / tagging {sources} sources", 0.6)

    def tagging(source: str) -> None:
        n = next(tagged)
        tell(f"标注 / tagging {n}/{sources} {source}", 0.6 + 0.2 * n / sources)

    project.tag(progress=tagging)

    tell(f"导入金标准编码（编码者 {CODER}）/ importing the gold codings (coder {CODER})", 0.8)
    report = load_quote_files(engine, GOLD, CODER)
    if report.errors:
        problems = [error.split("\n", 1) for error in dict.fromkeys(report.errors)]  # each is "Chinese\nEnglish"
        more = len(problems) - 3
        zh = "金标准编码未能导入：" + "；".join(p[0] for p in problems[:3]) + (f"；另有 {more} 处" if more > 0 else "")
        en = "the gold codings did not import: " + "; ".join(p[-1] for p in problems[:3])
        en += f"; {more} more" if more > 0 else ""
        if book_path != codebook.PACKAGED_PATH:  # the researcher's own codebook lacks the demo's codes
            zh += f"。演示的金标准使用默认编码簿的代码，而 {book_path} 是另一个编码簿：要从空项目开始，运行 qcoder init"
            en += (
                f". The demo's gold codings use the default codebook's codes and {book_path} is another one: "
                "to start from an empty project instead, run qcoder init"
            )
        raise QcoderError(zh, en)

    tell(f"田野调查期 / fieldwork {FIELDWORK[0]} … {FIELDWORK[1]}", 0.98)
    project.set_fieldwork(*FIELDWORK, CODER)


def _undo(engine, created_file: Path | None) -> tuple[str, str]:
    """Remove what a failed build wrote; a sentence in each language saying what is left."""
    from sqlalchemy import MetaData

    engine.dispose()  # Windows removes no file a connection still holds
    if created_file is not None:
        for path in (created_file, *(created_file.with_name(created_file.name + end) for end in ("-wal", "-shm"))):
            path.unlink(missing_ok=True)
        return f"已删除未建完的 {created_file}", f"the unfinished {created_file} was removed"
    try:
        tables = MetaData()
        tables.reflect(engine)  # the database was empty before the build: every table in it is the build's
        tables.drop_all(engine)
    except Exception as exc:  # the database that failed the build may refuse this too: say what is left
        return (
            f"未能删除已建的表（{type(exc).__name__}）：请删除数据库中的全部表，或换一个空数据库",
            f"the tables it created could not be dropped ({type(exc).__name__}): drop every table of the "
            "database, or use another empty one",
        )
    finally:
        engine.dispose()
    return "已删除建到一半的表，数据库仍为空", "the tables it had created were dropped: the database is empty again"
