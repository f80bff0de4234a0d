"""The ``qcoder`` command: a thin layer over the library.

Results go to stdout (one JSON document with ``--json``); messages, warnings and progress go to
stderr. Every user error exits 1 with a Chinese and English message naming the file, line or ID.
"""

from __future__ import annotations

import functools
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from coder import codebook as codebook_mod
from coder import history, learned, reliability, review
from coder.analysis.loading import selection as display_selection
from coder.audit import coder_named
from coder.citation import DEFAULT_TEMPLATES, Style
from coder.coding import add_coding
from coder.controls import EscapingConsole, escaped, json_escaped
from coder.db import migrate
from coder.db.engine import database_url, make_engine, retrying
from coder.db.redact import describe
from coder.errors import QcoderError
from coder.evaluation import SUMMARIES
from coder.evidence.triangulation import STATUSES
from coder.export import qdc, qdpx_plan, taguette_codebook, taguette_highlights
from coder.export.agreement import table as agreement_table
from coder.export.quotes import EVIDENCE, MAX_CHARS, Selection
from coder.files import unwritable, write_atomically
from coder.project import Project, display_url
from coder.quote_files import load_quote_files
from coder.retag_report import describe as describe_retag
from coder.sources import corpus, ids
from coder.sources.textfile import normalise, read_text
from coder.tagger import MIN_SCORE, Tagger

app = typer.Typer(
    help="qcoder：中文质性案例研究编码工具 / qualitative coding for Chinese case studies",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # a crash's trace would print every local: passwords, transcripts
)
id_app = typer.Typer(help="记录编号 / record IDs", no_args_is_help=True)
sources_app = typer.Typer(help="来源 / sources", no_args_is_help=True)
codebook_app = typer.Typer(help="编码簿 / codebook", no_args_is_help=True)
codes_app = typer.Typer(help="编码簿中的代码 / codes of the codebook", no_args_is_help=True)
code_app = typer.Typer(help="编码 / codings", no_args_is_help=True)
app.add_typer(id_app, name="id")
app.add_typer(sources_app, name="sources")
app.add_typer(codebook_app, name="codebook")
app.add_typer(codes_app, name="codes")
app.add_typer(code_app, name="code")
export_app = typer.Typer(help="导出 / export for papers and other tools", no_args_is_help=True)
app.add_typer(export_app, name="export")

# File names, titles and transcripts may hold [brackets] or terminal escapes: shown, never obeyed.
out = EscapingConsole()
err = EscapingConsole(stderr=True)
_db_url: dict[str, str | None] = {"url": None}

JsonOption = Annotated[bool, typer.Option("--json", help="输出一个 JSON 文档 / print one JSON document")]
OutputOption = Annotated[Path | None, typer.Option("-o", "--output", help="写入文件 / write to this file")]
LangOption = Annotated[str, typer.Option(help="语言 zh | en / language of headings")]


@app.callback()
def main(
    db: Annotated[
        str | None, typer.Option("--db", help="数据库 URL（默认 QCODER_DB_URL 或 sqlite:///db/qcoder.sqlite）")
    ] = None,
) -> None:
    _db_url["url"] = db


def friendly(command: Callable) -> Callable:
    """Show user errors as two-language messages and exit 1, never as a stack trace."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except QcoderError as exc:
            err.print(f"错误 / error: {exc.zh}\n{exc.en}")
            raise typer.Exit(1) from None
        except (SQLAlchemyError, ImportError) as exc:
            where, detail = display_url(_db_url["url"]), describe(exc, database_url(_db_url["url"]))
            err.print(f"错误 / error: 无法使用数据库 {where} / cannot use database {where}: {detail}")
            raise typer.Exit(1) from None

    return run


def print_json(data: Any) -> None:
    sys.stdout.write(json_escaped(json.dumps(data, ensure_ascii=False, indent=2, default=str)) + "\n")


def print_table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    """A table for people at a terminal; tab-separated lines for pipes and scripts."""
    if not out.is_terminal:
        for row in [dict(zip(columns, columns, strict=True)), *rows]:
            sys.stdout.write("\t".join(escaped(_cell(row.get(c))) for c in columns) + "\n")
        return
    table = Table(*map(escaped, columns), show_edge=False, pad_edge=False)  # icr's headers hold coder names
    for row in rows:
        table.add_row(*("" if row.get(c) is None else escaped(str(row.get(c))) for c in columns))
    out.print(table)


def _cell(value: Any) -> str:
    """A value for one tab-separated cell: tabs and line breaks inside it would break the row."""
    return "" if value is None else " ".join(str(value).split("\t")).replace("\n", " ⏎ ")


def project() -> Project:
    return Project.open(_db_url["url"])


@app.command()
@friendly
def init(
    codebook: Annotated[
        Path | None, typer.Option(help="编码簿文件（默认 codebook.yaml）/ codebook file (default codebook.yaml)")
    ] = None,
    force: Annotated[
        bool, typer.Option(help="允许删除仍有编码的代码 / allow removing codes that have codings")
    ] = False,
    coder: Annotated[str | None, typer.Option(help="记录在审计日志中的编码者 / coder named in the audit log")] = None,
) -> None:
    """建立或升级数据库结构，并同步编码簿 / create or upgrade the database and sync the codebook."""
    if codebook is not None and not codebook.exists():
        raise QcoderError(f"找不到编码簿 {codebook}", f"codebook {codebook} does not exist")
    path = codebook or codebook_mod.DEFAULT_PATH
    book = codebook_mod.load(path) if path.exists() else None  # checked before the database is touched
    engine = make_engine(_db_url["url"])
    migrate.upgrade(engine)
    err.print("数据库结构已是最新 / schema is up to date")
    if book is not None:
        _sync(engine, book, force, coder)
    else:
        err.print(f"未找到编码簿 {path}，跳过同步 / no codebook at {path}: not synced")


def _sync(engine: Engine, book: codebook_mod.Codebook, force: bool, coder: str | None) -> None:
    report = retrying(engine, lambda s: codebook_mod.sync(s, book, coder_named(s, coder), force=force))
    err.print(
        f"编码簿 {book.path} 版本 {report.version}：新增 {len(report.created)}，更新 {len(report.updated)}，"
        f"改名 {len(report.renamed)}，删除 {len(report.removed)} / codebook synced "
        f"(created {len(report.created)}, updated {len(report.updated)}, renamed {len(report.renamed)}, "
        f"removed {len(report.removed)})"
    )


@app.command("import")
@friendly
def import_(
    paths: Annotated[list[Path], typer.Argument(help="文件或文件夹 / files or folders")],
    kind: Annotated[str | None, typer.Option(help="interview | policy | media")] = None,
    with_names: Annotated[
        bool, typer.Option("--with-names", help="保存 .qdpx 中受访者的真实姓名 / keep real names found in a .qdpx")
    ] = False,
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan", help="只写出 .qdpx 各来源将得到的编号（CSV），不导入 / write the IDs a .qdpx's sources would get"
        ),
    ] = None,
    id_map: Annotated[
        Path | None,
        typer.Option(
            "--map", help="按编号表（--plan 写出、可修改的 CSV）导入 .qdpx / import a .qdpx by an edited --plan CSV"
        ),
    ] = None,
    no_new_codes: Annotated[
        bool,
        typer.Option("--no-new-codes", help="不把 .qdpx 中编码簿没有的代码加入编码簿 / add no codes from a .qdpx"),
    ] = False,
    codebook: Annotated[
        Path | None,
        typer.Option(
            help="加入 .qdpx 代码的编码簿（默认 QCODER_CODEBOOK 或 codebook.yaml）/ codebook for a .qdpx's codes"
        ),
    ] = None,
    force: Annotated[bool, typer.Option(help="覆盖已有的 --plan 文件 / replace an existing --plan file")] = False,
    as_json: JsonOption = False,
) -> None:
    """导入访谈、政策文本、媒体报道和 REFI-QDA 项目（.qdpx）/ import sources and REFI-QDA projects (.qdpx)."""
    current = project()
    files = corpus.collect(paths)
    exchanges = [path for path, _root in files if path.suffix.lower() == ".qdpx"]
    files = [(path, root) for path, root in files if path not in exchanges]
    if not files and not exchanges:
        shown = "、".join(map(str, paths))
        raise QcoderError(f"{shown} 下没有可导入的文件", f"no files to import under {', '.join(map(str, paths))}")
    if (plan or id_map) and (files or len(exchanges) != 1):
        raise QcoderError(
            "--plan 和 --map 只用于一个 .qdpx 文件（不能同时导入其他文件）",
            "--plan and --map take exactly one .qdpx file (and no other files)",
        )
    if plan:
        if plan.exists() and not force:  # a plan being filled in by hand is not lost to a second --plan
            raise QcoderError(
                f"{plan} 已存在，未覆盖：换一个 --plan 文件名，或加 --force 覆盖",
                f"{plan} exists and was not overwritten: choose another --plan file, or add --force",
            )
        _plan_qdpx(current, exchanges[0], plan, kind, id_map, as_json)
        return
    results = []
    if files:
        with typer.progressbar(length=len(files), label="导入 / importing", file=sys.stderr) as bar:
            results = corpus.import_files(current.engine, files, kind, progress=lambda _path: bar.update(1))
    book = codebook or codebook_mod.app_path()
    reports = [current.import_qdpx(path, kind, with_names, id_map, not no_new_codes, book) for path in exchanges]
    failed = [r.path for r in results if r.status == "failed"] + [r["path"] for r in reports if r["status"] == "failed"]
    if as_json:
        print_json({"results": [vars(r) for r in results], "qdpx": reports, "failed": len(failed)})
    else:
        for r in results:
            line = f"{r.status:9} {r.id or '-':16} {r.path}" + (f"\n          {r.message}" if r.message else "")
            (err if r.status == "failed" else out).print(line)
            if r.assigned:
                err.print(f"          {r.assigned}")
            for warning in r.warnings:
                err.print(f"          注意 / warning: {warning}")
        counts = {s: sum(r.status == s for r in results) for s in ("imported", "unchanged", "failed")}
        if results:
            err.print(
                f"导入 {counts['imported']}，未变 {counts['unchanged']}，失败 {counts['failed']} / "
                f"imported {counts['imported']}, unchanged {counts['unchanged']}, failed {counts['failed']}"
            )
        for report in reports:
            _print_qdpx(report)
    if failed or any(r["skipped"] for r in reports):
        raise typer.Exit(1)


@sources_app.command("list")
@friendly
def sources_list(as_json: JsonOption = False) -> None:
    """列出来源 / list sources."""
    rows = project().sources()
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["id", "kind", "date", "who", "title", "characters", "codings"])


@sources_app.command("show")
@friendly
def sources_show(
    source_id: Annotated[str, typer.Argument(metavar="ID")],
    with_names: Annotated[bool, typer.Option("--with-names", help="显示受访者真实姓名 / show real names")] = False,
    as_json: JsonOption = False,
) -> None:
    """显示一个来源的正文和元数据 / show one source's text and metadata."""
    detail = project().source(source_id, with_names=with_names)
    if as_json:
        print_json(detail)
        return
    for key in ("id", "kind", "date", "title", "filename", "characters"):
        out.print(f"{key}: {detail[key]}")
    for key, value in {**detail["meta"], **detail.get("participant", {})}.items():
        out.print(f"{key}: {value}")
    out.print("\n" + detail["text"])


@id_app.command("make")
@friendly
def id_make(
    date: Annotated[str, typer.Option(help="日期 YYYY-MM-DD / date of the interview or document")],
    name: Annotated[
        str | None, typer.Option(help="受访者姓名（只用于推导首字母）/ name, used only for initials")
    ] = None,
    initials: Annotated[str | None, typer.Option(help="直接给出首字母 / explicit initials")] = None,
    suffix: Annotated[bool, typer.Option("--suffix", help="重名时加 -2 后缀 / add -2 on a collision")] = False,
    kind: Annotated[str, typer.Option(help="interview | policy | media")] = "interview",
    as_json: JsonOption = False,
) -> None:
    """生成记录编号：访谈用日期+姓名首字母，政策/媒体用日期+序号 / make a record ID."""
    day = ids.calendar_date(date, "--date")
    made = ids.make_record(day, kind, _existing_ids(), name=name, initials=initials, allow_suffix=suffix)
    if as_json:
        shown = {"id": made.id, "initials": made.initials} if kind == "interview" else {"id": made.id}
        print_json({**shown, "warnings": made.warnings})
        return
    out.print(made.id)
    for warning in made.warnings:
        err.print(f"注意 / warning: {warning}")


def _existing_ids() -> set[str]:
    """IDs already in the project, if there is an initialised project; collisions are checked against them."""
    try:
        return Project.open(_db_url["url"]).source_ids()
    except QcoderError:
        err.print(
            "注意：没有已初始化的项目数据库，未检查编号是否重复 / "
            "note: no initialised project database, so collisions with existing IDs were not checked"
        )
        return set()


@id_app.command("check")
@friendly
def id_check(record_id: Annotated[str, typer.Argument(metavar="ID")], as_json: JsonOption = False) -> None:
    """检查记录编号是否符合规则 / check a record ID (exit 0 valid, 1 invalid)."""
    parsed = ids.parse(record_id)
    if as_json:
        print_json(
            {"id": record_id, "valid": True, "kind": parsed.kind, "date": parsed.date.isoformat(), **_id_parts(parsed)}
        )
    else:
        out.print(f"{record_id}: 有效 / valid ({parsed.kind}, {parsed.date})")


def _id_parts(parsed: ids.InterviewId | ids.DocumentId) -> dict[str, Any]:
    if isinstance(parsed, ids.InterviewId):
        return {"initials": parsed.initials, "suffix": parsed.suffix}
    return {"number": parsed.number}


@codebook_app.command("check")
@friendly
def codebook_check(path: Annotated[Path, typer.Argument()] = codebook_mod.DEFAULT_PATH) -> None:
    """校验编码簿 / validate a codebook file."""
    book = codebook_mod.load(path)
    dims = [n for n in book.nodes if n.is_dimension]
    out.print(f"{path}: 有效 / valid — {len(dims)} 个维度 / dimensions, {len(book.codes)} 个代码 / codes, "
              f"版本 / version {book.version}")  # fmt: skip


@codebook_app.command("sync")
@friendly
def codebook_sync(
    path: Annotated[Path, typer.Argument()] = codebook_mod.DEFAULT_PATH,
    force: Annotated[
        bool, typer.Option(help="允许删除仍有编码的代码 / allow removing codes that have codings")
    ] = False,
    coder: Annotated[str | None, typer.Option()] = None,
) -> None:
    """把编码簿同步到数据库 / sync the codebook into the database."""
    book = codebook_mod.load(path)  # checked before the database is opened
    _sync(project().engine, book, force, coder)


@codes_app.command("list")
@friendly
def codes_list(as_json: JsonOption = False) -> None:
    """列出代码 / list codes (id, name, dimension, parent)."""
    stored = project().codes()
    rows = stored["codes"]
    if as_json:
        print_json(stored)
    else:
        print_table(rows, ["id", "name", "dimension", "parent", "keywords"])


@code_app.command("add")
@friendly
def code_add(
    source: Annotated[str, typer.Option(help="来源编号 / source ID")],
    start: Annotated[int, typer.Option(help="起始位置（字符）/ start offset in characters")],
    end: Annotated[int, typer.Option(help="结束位置（不含）/ end offset, exclusive")],
    code: Annotated[str, typer.Option(help="代码编号 / code id")],
    coder: Annotated[str | None, typer.Option(help="编码者 / coder name")] = None,
    memo: Annotated[str | None, typer.Option(help="备忘 / memo")] = None,
    as_json: JsonOption = False,
) -> None:
    """手工编码一段文本 / code a span of a source by hand."""
    coding = retrying(project().engine, lambda session: add_coding(session, source, start, end, code, coder, memo))
    row = next(r for r in project().codings(source, code) if r["id"] == coding.id)
    if as_json:
        print_json(row)
    else:
        out.print(
            f"#{row['id']} {row['source']} [{row['start']}, {row['end']}) {row['code']} {row['coder']}: “{row['quote']}”"
        )


@code_app.command("list")
@friendly
def code_list(
    source: Annotated[str | None, typer.Option(help="来源编号 / source ID")] = None,
    code: Annotated[str | None, typer.Option(help="代码编号 / code id")] = None,
    status: Annotated[str | None, typer.Option(help="suggested | accepted | rejected | manual")] = None,
    as_json: JsonOption = False,
) -> None:
    """列出编码及其引文 / list codings with their quotes."""
    rows = project().codings(source, code, status)
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["id", "source", "code", "start", "end", "status", "coder", "quote"])


@app.command()
@friendly
def suggest(
    codebook: Annotated[Path, typer.Option(help="编码簿文件 / codebook file")] = codebook_mod.DEFAULT_PATH,
    min_score: Annotated[float, typer.Option(help="最低分 / lowest score shown")] = MIN_SCORE,
    as_json: JsonOption = False,
) -> None:
    """为标准输入的文本给出编码建议 / suggest codes for the text on stdin."""
    book = codebook_mod.load(codebook)
    text = normalise(sys.stdin.read())
    found = [s.as_dict() for s in Tagger(book.codes, book.version, min_score).suggest(text)]
    if as_json:
        print_json({"codebook_version": book.version, "suggestions": found})
        return
    for s in found:
        terms = "、".join(m["term"] + ("（否定）" if m["negated"] else "") for m in s["terms"])
        quote = text[s["start"] : s["end"]]
        out.print(f"{s['code']:32} {s['score']:.2f} [{s['start']}, {s['end']}) {terms}  “{quote}”")


@app.command()
@friendly
def tag(
    force: Annotated[bool, typer.Option(help="全部重新标注 / re-tag everything")] = False,
    include_open: Annotated[
        bool,
        typer.Option(
            help="也重新标注浏览器中正打开的来源（默认留待下次）/ re-tag sources open in a browser too "
            "(by default they are left for the next run)"
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """把编码建议写入数据库 / write code suggestions for every source.

    浏览器中正打开的来源（即使加 --force）不会被改动，留待下次 / a source open in a browser is left as
    it is for the next run, --force or not, unless --include-open."""
    current = project()
    with typer.progressbar(length=len(current.source_ids()), label="标注 / tagging", file=sys.stderr) as bar:
        result = current.tag(progress=lambda _source: bar.update(1), force=force, include_open=include_open)
    if as_json:
        print_json(result)
    else:
        err.print(
            f"重新标注 {result['sources']} 个来源（{result['pairs']} 个来源×编码），新增建议 {result['added']}，"
            f"更新分数 {result['rescored']}，移除旧建议 {result['removed']} / tagged {result['sources']} sources "
            f"({result['pairs']} source×code pairs): {result['added']} suggestions added, {result['rescored']} "
            f"rescored, {result['removed']} stale ones removed"
        )
        if result["deferred"] or result["changed_open"]:
            err.print(_retag_sentence(result))


def _retag_sentence(result: dict) -> str:
    """A re-tag's result (Project.tag) in the words the app uses (coder.retag_report.describe)."""
    zh, en = describe_retag({**result, "withdrawn": result["removed"]})
    return f"{zh} / {en}"


@app.command("eval")
@friendly
def eval_(
    gold: Annotated[Path, typer.Option(help="金标准文件夹 / folder of gold codings")],
    unit: Annotated[str, typer.Option(help="sentence（句子）| turn（话轮/段落）/ unit of comparison")] = "sentence",
    train: Annotated[
        Path | None,
        typer.Option(help="先用此处的金标准训练，再比较关键词、学习与组合 / train on this gold, then compare"),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """评估编码建议 / precision, recall and F1 of the suggestions, per sentence or per turn."""
    result = project().evaluate(gold, unit, train)
    if as_json:
        print_json(result)
        return
    rows = [{"unit": name, **_rounded(scores)} for name, scores in {**result["codes"], **result["dimensions"]}.items()]
    for level in SUMMARIES:
        rows.append({"unit": level, **_rounded(result[level])})
    print_table(rows, ["unit", "precision", "recall", "f1", "tp", "fp", "fn"])
    if "compare" in result:
        out.print()
        compared = [
            {"suggester": name, "level": level, **_rounded(scores[level])}
            for name, scores in result["compare"].items()
            for level in SUMMARIES
        ]
        print_table(compared, ["suggester", "level", "precision", "recall", "f1"])
    err.print(f"单位 / unit: {result['unit']}; 来源 / sources: {len(result['sources'])}")


def _rounded(scores: dict) -> dict:
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in scores.items()}


@app.command()
@friendly
def train(
    retag: Annotated[bool, typer.Option(help="训练后按新模型重新标注 / re-tag afterwards")] = False,
    coder: Annotated[str | None, typer.Option("--coder", help="记入日志的人 / who trains, for the log")] = None,
    as_json: JsonOption = False,
) -> None:
    """用已有的接受、拒绝和手动编码训练建议模型 / train the learned suggester from the decisions so far."""
    current = project()
    with typer.progressbar(length=learned.EPOCHS, label="训练 / training", file=sys.stderr) as bar:
        meta = current.train(coder, progress=lambda _done, _total: bar.update(1))
    result = {key: meta[key] for key in ("version", "sources", "units", "positives", "negatives", "seconds")}
    if retag:
        result["tagged"] = current.tag()
    if as_json:
        print_json(result)
        return
    err.print(
        f"模型 {meta['version']}：{meta['units']} 个句子（{meta['sources']} 个来源），正例 {meta['positives']}、"
        f"反例 {meta['negatives']}，用时 {meta['seconds']} 秒 / model {meta['version']}: {meta['units']} "
        f"sentences from {meta['sources']} sources, {meta['positives']} positive and {meta['negatives']} "
        f"negative labels, {meta['seconds']} s"
    )
    if retag:
        err.print(_retag_sentence(result["tagged"]))


@app.command()
@friendly
def suggester(
    mode: Annotated[str | None, typer.Argument(help="keywords | combined（不给则显示当前）/ omit to show")] = None,
    auto: Annotated[
        str | None,
        typer.Option(
            "--auto",
            help="on | off：积累足够决定后是否在后台自动重新训练并重新标注 / retrain and re-tag in the background "
            "after enough decisions",
        ),
    ] = None,
    coder: CoderOption = None,
) -> None:
    """查看或选择建议方式：仅关键词，或关键词与训练模型组合 / show or choose the suggester tagging uses."""
    current = project()
    if auto is not None and auto not in ("on", "off"):
        raise QcoderError(f"--auto {auto!r} 无效，应为 on 或 off", f"--auto {auto!r}: use on or off")
    if mode is not None:
        current.set_suggester(mode, coder)
    if auto is not None:
        current.set_auto_retrain(auto == "on", coder)
    state = current.suggester()
    model = state["model"]["version"] if state["model"] else "—"
    out.print(f"{state['mode']} (model {model}) auto-retrain {'on' if state['auto_retrain'] else 'off'}")


@app.command()
@friendly
def keywords(
    code: Annotated[str, typer.Option(help="代码编号 / code id")],
    top: Annotated[int, typer.Option(help="提议数量 / how many")] = 20,
    as_json: JsonOption = False,
) -> None:
    """从已接受的编码中为代码提议新关键词 / propose new keywords for a code from its accepted codings."""
    found = project().propose_keywords(code, top)
    if as_json:
        print_json({"code": code, "proposals": found})
    else:
        print_table(found, ["term", "score", "in_code", "sentences_in_corpus"])


review_app = typer.Typer(help="审阅编码建议 / review suggestions", no_args_is_help=True)
app.add_typer(review_app, name="review")


def _review(decision: str, ids: list[int] | None, source: str | None, code: str | None,
            min_score: float | None, coder: str | None, as_json: bool) -> None:  # fmt: skip
    selection = review.Selection(ids=ids, source=source, code=code, min_score=min_score)
    if not (ids or source or code or min_score is not None):
        raise QcoderError(
            "请用 --id、--source、--code 或 --min-score 指明要审阅哪些建议",
            "say which suggestions to review with --id, --source, --code or --min-score",
        )
    decided = retrying(project().engine, lambda session: review.decide_many(session, selection, decision, coder))
    result = [{"id": c.id, "source": c.source_id, "code": c.code_id, "start": c.start, "end": c.end,
               "status": c.status} for c in decided]  # fmt: skip
    if as_json:
        print_json({"decided": result})
    else:
        err.print(
            f"已{'接受' if decision == 'accept' else '拒绝'} {len(result)} 条建议 / {decision}ed {len(result)} suggestions"
        )


IdsOption = Annotated[list[int] | None, typer.Option("--id", help="编码编号，可多次给出 / coding id, repeatable")]
SourceOption = Annotated[str | None, typer.Option("--source", help="来源编号 / source ID")]
CodeOption = Annotated[str | None, typer.Option("--code", help="代码编号 / code id")]
MinScoreOption = Annotated[float | None, typer.Option("--min-score", help="只审分数不低于此值的 / score at least")]
CoderOption = Annotated[str | None, typer.Option("--coder", help="审阅者 / reviewer")]


@review_app.command("accept")
@friendly
def review_accept(
    ids: IdsOption = None, source: SourceOption = None, code: CodeOption = None, min_score: MinScoreOption = None,
    coder: CoderOption = None, as_json: JsonOption = False,
) -> None:  # fmt: skip
    """接受建议（可按来源、代码、分数批量）/ accept suggestions, in bulk by source, code or score."""
    _review("accept", ids, source, code, min_score, coder, as_json)


@review_app.command("reject")
@friendly
def review_reject(
    ids: IdsOption = None, source: SourceOption = None, code: CodeOption = None, min_score: MinScoreOption = None,
    coder: CoderOption = None, as_json: JsonOption = False,
) -> None:  # fmt: skip
    """拒绝建议；被拒绝的建议不会再被提出 / reject suggestions; a rejected one is never suggested again."""
    _review("reject", ids, source, code, min_score, coder, as_json)


@review_app.command("recode")
@friendly
def review_recode(
    coding_id: Annotated[int, typer.Option("--id", help="建议的编码编号 / the suggestion's coding id")],
    code: Annotated[str, typer.Option("--code", help="改用的代码 / the code to use instead")],
    coder: CoderOption = None,
    as_json: JsonOption = False,
) -> None:
    """以另一个代码接受建议 / accept a suggestion under another code."""
    coding = retrying(project().engine, lambda s: review.decide(s, coding_id, "accept", coder, new_code=code))
    result = {"id": coding.id, "source": coding.source_id, "code": coding.code_id, "status": coding.status}
    if as_json:
        print_json(result)
    else:
        err.print(f"#{coding_id} → #{result['id']} {code}")


@code_app.command("import")
@friendly
def code_import(
    path: Annotated[
        Path, typer.Argument(help="引文文件或文件夹（YAML：source + codings: [code, quote]），或 Taguette 标注 .csv")
    ],
    coder: Annotated[str, typer.Option(help="记为哪位编码者的手工编码 / the coder these codings belong to")],
    as_json: JsonOption = False,
) -> None:
    """以引文文件或 Taguette 标注导入手工编码（如金标准）/ import codings written as quotes (e.g. the gold files)
    or a Taguette highlights export (.csv)."""
    if not path.exists():
        raise QcoderError(f"找不到 {path}", f"{path} does not exist")
    if path.is_file() and path.suffix.lower() == ".csv":
        _taguette_highlights(path, coder, as_json)
        return
    report = load_quote_files(project().engine, path, coder)
    _print_code_import(
        report,
        as_json,
        f"{report.files} 个文件：新增编码 {report.added}，已存在 {report.unchanged} / "
        f"{report.files} files: {report.added} codings added, {report.unchanged} already there",
    )


def _print_code_import(report: Any, as_json: bool, summary: str) -> None:
    """A code import's report: JSON, or each problem and the summary on stderr; exit 1 on any problem."""
    if as_json:
        print_json(vars(report))
    else:
        for problem in report.errors:
            err.print(f"错误 / error: {problem}")
        err.print(summary)
    if report.errors:
        raise typer.Exit(1)


def _taguette_highlights(path: Path, coder: str, as_json: bool) -> None:
    report = taguette_highlights.load_highlights(project().engine, path, coder)
    _print_code_import(
        report,
        as_json,
        f"{report.documents} 个来源：新增编码 {report.added}，已存在 {report.unchanged}，"
        f"无标签的标注 {report.untagged}（略过）/ {report.documents} sources: {report.added} codings added, "
        f"{report.unchanged} already there, {report.untagged} highlights without a tag (skipped)",
    )


@app.command()
@friendly
def triangulate(
    min_kinds: Annotated[
        int, typer.Option(min=1, max=3, help="佐证所需的来源类型数 / kinds needed to corroborate")
    ] = 2,
    fmt: Annotated[str, typer.Option("--format", help="json | md | html | docx")] = "md",
    output: OutputOption = None,
    lang: LangOption = "zh",
) -> None:
    """三角验证：每个代码是否得到多类来源佐证 / is every code corroborated across kinds of sources?"""
    current = project()
    result = current.triangulate(min_kinds)
    emit(current.triangulation_report(result, fmt, lang), fmt, output)
    statuses = Counter(row["status"] for row in result["codes"] if row["level"] == "code")
    err.print(" · ".join(f"{status} {statuses.get(status, 0)}" for status in STATUSES))


BINARY = ("docx", "xlsx")


def emit(data: bytes, fmt: str, output: Path | None) -> None:
    """A rendered file to ``output`` (saying so, and saying when it replaced one) or to stdout; binary
    formats only into a file or a pipe, never onto a terminal."""
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


@export_app.command("quotes")
@friendly
def export_quotes(
    code: Annotated[list[str] | None, typer.Option("--code", help="代码（含下级代码），可多次给出 / code")] = None,
    exact: Annotated[bool, typer.Option(help="不含下级代码 / without sub-codes")] = False,
    dimension: Annotated[list[str] | None, typer.Option("--dimension", help="维度 / dimension")] = None,
    status: Annotated[list[str] | None, typer.Option("--status", help="默认 accepted、manual / statuses")] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind", help="interview | policy | media")] = None,
    participant: Annotated[
        list[str] | None, typer.Option("--participant", help="该受访者的任一访谈编号 / an interview ID of the person")
    ] = None,
    max_chars: Annotated[int, typer.Option(help="超长引文在句末截断，0 为不截断 / shorten longer quotes")] = MAX_CHARS,
    context: Annotated[int, typer.Option(help="前后各附几句上下文 / sentences of context")] = 0,
    footnotes: Annotated[bool, typer.Option(help="出处用脚注 / cite in footnotes (Word's own), not brackets")] = False,
    with_ids: Annotated[
        bool, typer.Option("--with-ids", help="标题附代码编号 / code ids after the names in headings")
    ] = False,
    interview_template: Annotated[str | None, typer.Option(help="访谈出处模板，如 访谈编号：{id}")] = None,
    policy_template: Annotated[str | None, typer.Option(help="政策文本出处模板")] = None,
    media_template: Annotated[str | None, typer.Option(help="媒体报道出处模板")] = None,
    fmt: Annotated[str, typer.Option("--format", help="md | docx | xlsx | csv")] = "md",
    output: OutputOption = None,
    lang: LangOption = "zh",
) -> None:
    """导出编码引文（按维度、代码分组并标注出处）/ export coded quotes, grouped and cited for a paper."""
    templates = {**DEFAULT_TEMPLATES}
    for kind_name, template in (("interview", interview_template), ("policy", policy_template),
                                ("media", media_template)):  # fmt: skip
        if template:
            templates[kind_name] = template
    selection = Selection(
        codes=code or [], subcodes=not exact, dimensions=dimension or [], statuses=status or list(EVIDENCE),
        kinds=kind or [], participants=participant or [], max_chars=max_chars, context=context,
    )  # fmt: skip
    emit(project().export_quotes(selection, fmt, Style(templates, footnotes), lang, with_ids), fmt, output)


@export_app.command("respondents")
@friendly
def export_respondents(
    fmt: Annotated[str, typer.Option("--format", help="md | docx | xlsx | csv")] = "md",
    output: OutputOption = None,
    lang: LangOption = "zh",
) -> None:
    """导出受访者基本情况表（不含姓名）/ export the respondent table (never with names)."""
    emit(project().export_respondents(fmt, lang), fmt, output)


icr_app = typer.Typer(help="编码者间一致性与分歧 / inter-coder agreement and disagreements")
app.add_typer(icr_app, name="icr")
consensus_app = typer.Typer(help="共识编码 / consensus codings", no_args_is_help=True)
app.add_typer(consensus_app, name="consensus")

CodersOption = Annotated[
    str | None, typer.Option("--coders", help="逗号分隔的编码者，默认所有有编码者 / coders to compare, e.g. A,B")
]
SegmentUnitOption = Annotated[str, typer.Option("--segment", help="sentence | turn：句子或话轮 / sentences or turns")]
IcrSourceOption = Annotated[
    list[str] | None,
    typer.Option("--source", help="只比较这些来源，可多次给出（默认两人都编码过的来源）/ compare these sources only"),
]
RoundOption = Annotated[
    int | None, typer.Option("--round", help="比较一个已结束的一致性轮次的来源 / the sources of a closed round")
]


def _coder_list(coders: str | None) -> list[str] | None:
    return [name.strip() for name in coders.replace("，", ",").split(",") if name.strip()] if coders else None


@icr_app.callback(invoke_without_command=True)
@friendly
def icr(
    ctx: typer.Context,
    coders: CodersOption = None,
    unit: Annotated[str, typer.Option(help="segment | character：以片段（句子/话轮）或字符为单位")] = "segment",
    segment: SegmentUnitOption = "sentence",
    coded_only: Annotated[
        bool, typer.Option("--coded-only", help="只计入有人编码过的单位 / leave out text no coder coded")
    ] = False,
    source: IcrSourceOption = None,
    round_id: RoundOption = None,
    skip_unfinished: Annotated[
        bool,
        typer.Option(
            "--skip-unfinished",
            help="不计尚未编码完成的来源（见 --min-reach、--max-pending）/ leave out unfinished sources",
        ),
    ] = False,
    min_reach: Annotated[
        float,
        typer.Option(
            help="编码至编码最靠后者的该比例才算完成，默认 0.8 / share of the furthest coder's reach a coder must "
            "reach to have finished a source"
        ),
    ] = reliability.MIN_REACH,
    max_pending: Annotated[
        float | None,
        typer.Option(
            help="待审建议覆盖来源单位的比例超过此值即未完成（默认不计待审建议；0：有待审建议即未完成）/ a source "
            "whose pending suggestions code more than this share of its units is unfinished (default: they don't count)"
        ),
    ] = None,
    as_json: JsonOption = False,
    fmt: Annotated[
        str | None, typer.Option("--format", help="md | xlsx | docx：一致性表 / the agreement table")
    ] = None,
    output: OutputOption = None,
    lang: LangOption = "zh",
) -> None:
    """编码者间一致性：每个代码及合计的一致率、Cohen's κ、Krippendorff's α、Gwet's AC1，及各编码者在各来源的
    编码进度 / inter-coder agreement per code and pooled (percent agreement, Cohen's κ, Krippendorff's α,
    Gwet's AC1), with how far each coder coded each source."""
    if ctx.invoked_subcommand is not None:
        return
    current = project()
    result = current.agreement(
        _coder_list(coders), unit, segment, coded_only, source, round_id, lang, skip_unfinished, min_reach, max_pending
    )
    if as_json:
        print_json(result)
        return
    fmt = fmt or (output.suffix.lstrip(".").lower() if output is not None else None)
    if fmt:
        emit(current.agreement_report(result, fmt, lang), fmt, output)
        return
    header, rows = agreement_table(result, lang)
    print_table([dict(zip(header, row, strict=True)) for row in rows], header)
    for warning in result["warnings"]:
        err.print(f"注意 / warning: {warning['zh']}\n{warning['en']}")
        err.print("用 --skip-unfinished 不计这些来源 / leave them out with --skip-unfinished")
    for note in result["notes"]:
        err.print(note)
    err.print(result["method"])


@icr_app.command("disagreements")
@friendly
def icr_disagreements(
    coders: CodersOption = None,
    segment: SegmentUnitOption = "sentence",
    source: IcrSourceOption = None,
    round_id: RoundOption = None,
    as_json: JsonOption = False,
) -> None:
    """列出编码者有分歧的句子或话轮，附各自的编码 / the segments where coders differ, with their codings."""
    found = project().disagreements(_coder_list(coders), segment, source, round_id)
    if as_json:
        print_json(found)
        return
    for row in found["units"]:
        out.print(f"{row['source']} [{row['start']}, {row['end']}) {_cell(row['text'])}")
        for name, codes in row["codes"].items():
            ids = [f"#{c['id']}" for c in row["codings"] if c["coder"] == name]
            out.print(f"    {name}: {', '.join(codes) or '—'}" + (f"  ({' '.join(ids)})" if ids else ""))
        settled = "".join(f"  {code} → #{coding}" for code, coding in row["consensus"].items())
        out.print(f"    ≠ {', '.join(row['differ'])}" + (f"  共识 / consensus:{settled}" if settled else ""))
    err.print(f"{len(found['units'])} 处分歧 / disagreements in {len(found['sources'])} 个来源 / sources")


@consensus_app.command("add")
@friendly
def consensus_add(
    source: Annotated[str, typer.Option(help="来源编号 / source ID")],
    start: Annotated[int, typer.Option(help="起始位置（字符）/ start offset in characters")],
    end: Annotated[int, typer.Option(help="结束位置（不含）/ end offset, exclusive")],
    code: Annotated[str, typer.Option(help="商定的代码 / the agreed code")],
    originals: Annotated[
        list[int], typer.Option("--from", help="被解决的原始编码编号，可多次给出 / original coding id, repeatable")
    ],
    coder: Annotated[str | None, typer.Option(help="记录共识的人 / who resolved it")] = None,
    as_json: JsonOption = False,
) -> None:
    """记录共识编码：原始编码保持不变并与之关联 / record a consensus coding; the originals stay as they were."""
    current = project()
    coding_id = current.resolve_consensus(source, start, end, code, originals, coder)
    row = next(r for r in current.codings(source, code) if r["id"] == coding_id)
    row["originals"] = sorted(set(originals))
    if as_json:
        print_json(row)
    else:
        out.print(
            f"#{row['id']} {row['source']} [{row['start']}, {row['end']}) {row['code']} {row['origin']}: "
            f"“{row['quote']}” ← {', '.join(f'#{n}' for n in row['originals'])}"
        )


audit_app = typer.Typer(help="审计日志与撤销 / the audit log and undo", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("list")
@friendly
def audit_list(
    coder: Annotated[str | None, typer.Option("--coder", help="只看此人的更改 / changes by this person")] = None,
    entity: Annotated[
        str | None, typer.Option("--entity", help="coding | memo | claim | source | code | setting")
    ] = None,
    entity_id: Annotated[str | None, typer.Option("--id", help="对象编号 / the changed row's id")] = None,
    limit: Annotated[int, typer.Option(min=1, help="最多几条，最新的在前 / how many, newest first")] = 200,
    as_json: JsonOption = False,
) -> None:
    """审计日志：谁在何时改了什么 / the audit log: who changed what, and when."""
    if entity is not None and entity not in history.KNOWN_ENTITIES:
        known = " | ".join(history.KNOWN_ENTITIES)
        raise QcoderError(f"--entity {entity} 无效，应为 {known}", f"--entity {entity} is not one of {known}")
    rows = project().audit_events(coder, entity, entity_id, limit)
    if as_json:
        print_json(rows)
        return
    shown = [
        {**row, "at": history.local_time(row["at"]),
         "undo": f"↶#{row['undone_by']}" if row["undone_by"] else ("✓" if row["undoable"] else "")}
        for row in rows
    ]  # fmt: skip
    print_table(shown, ["id", "at", "coder", "action", "entity", "entity_id", "undo", "summary"])


@audit_app.command("undo")
@friendly
def audit_undo(
    event_id: Annotated[int, typer.Argument(metavar="EVENT_ID", help="要撤销的事件编号 / the event to undo")],
    coder: Annotated[str | None, typer.Option("--coder", help="撤销者（团队模式下须为所有者）/ who undoes")] = None,
    as_json: JsonOption = False,
) -> None:
    """撤销审计日志中的一次更改 / undo one change from the audit log."""
    done = project().undo(event_id, coder)
    if as_json:
        print_json(done)
    else:
        err.print(f"已撤销事件 #{event_id}（记为 #{done['id']}）/ undid event #{event_id} (logged as #{done['id']})")


claim_app = typer.Typer(help="论断 / claims checked by triangulation", no_args_is_help=True)
app.add_typer(claim_app, name="claim")


@claim_app.command("add")
@friendly
def claim_add(
    text: Annotated[str, typer.Argument(help="论断内容 / the finding in words")],
    code: Annotated[list[str] | None, typer.Option("--code", help="关联代码，可多次给出 / linked code")] = None,
    coding: Annotated[list[int] | None, typer.Option("--coding", help="关联编码记录 / linked coding id")] = None,
    coder: CoderOption = None,
) -> None:
    """记录一个论断并关联其证据 / state a finding and link it to codes or codings."""
    claim_id = project().add_claim(text, code or [], coding or [], coder)
    out.print(str(claim_id))


@claim_app.command("list")
@friendly
def claim_list(
    min_kinds: Annotated[int, typer.Option(min=1, max=3, help="佐证所需的来源类型数")] = 2,
    as_json: JsonOption = False,
) -> None:
    """列出论断及其验证状态 / list claims with their triangulation status."""
    rows = project().triangulate(min_kinds)["claims"]
    if as_json:
        print_json(rows)
    else:
        print_table(
            [{**r, "codes": ",".join(r["codes"]), "codings": ",".join(map(str, r["codings"]))} for r in rows],
            ["id", "status", "codes", "codings", "text"],
        )


@claim_app.command("remove")
@friendly
def claim_remove(
    claim_id: Annotated[int, typer.Argument(help="论断编号 / claim id")], coder: CoderOption = None
) -> None:
    """删除论断（记入审计日志）/ delete a claim (audited)."""
    project().delete_claim(claim_id, coder)


memo_app = typer.Typer(help="来源与代码的备忘 / memos on sources and codes", no_args_is_help=True)
app.add_typer(memo_app, name="memo")
MemoAuthor = Annotated[str | None, typer.Option("--coder", help="作者 / author")]


@memo_app.command("add")
@friendly
def memo_add(
    text: Annotated[str, typer.Argument(help="备忘内容 / the memo's text")],
    source: Annotated[str | None, typer.Option(help="来源编号 / source ID")] = None,
    code: Annotated[str | None, typer.Option(help="代码编号 / code id")] = None,
    coder: MemoAuthor = None,
) -> None:
    """为一个来源或一个代码写备忘（记入审计日志）/ write a memo on a source or a code (audited)."""
    out.print(str(project().add_memo(text, coder, source, code)))


@memo_app.command("edit")
@friendly
def memo_edit(
    memo_id: Annotated[int, typer.Argument(metavar="ID", help="备忘编号 / memo id")],
    text: Annotated[str, typer.Argument(help="新的内容 / the new text")],
    coder: MemoAuthor = None,
) -> None:
    """修改备忘内容（记入审计日志）/ replace a memo's text (audited)."""
    project().edit_memo(memo_id, text, coder)


@memo_app.command("list")
@friendly
def memo_list(
    source: Annotated[str | None, typer.Option(help="来源编号 / source ID")] = None,
    code: Annotated[str | None, typer.Option(help="代码编号 / code id")] = None,
    query: Annotated[str | None, typer.Option(help="内容包含 / text containing")] = None,
    codings: Annotated[bool, typer.Option("--codings", help="也列出编码上的备忘 / memos on codings too")] = False,
    as_json: JsonOption = False,
) -> None:
    """列出来源与代码的备忘 / list memos on sources and codes."""
    rows = project().memos(source, code, query, codings)
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["id", "target", "source", "code", "coding", "coder", "created_at", "text"])


@memo_app.command("delete")
@friendly
def memo_delete(
    memo_id: Annotated[int, typer.Argument(metavar="ID", help="备忘编号 / memo id")], coder: MemoAuthor = None
) -> None:
    """删除备忘（记入审计日志，可撤销）/ delete a memo (audited, undoable)."""
    project().delete_memo(memo_id, coder)
    err.print(f"已删除备忘 #{memo_id} / deleted memo #{memo_id}")


@app.command()
@friendly
def fieldwork(
    start: Annotated[str | None, typer.Argument(help="开始日期 YYYY-MM-DD / first day")] = None,
    end: Annotated[str | None, typer.Argument(help="结束日期 YYYY-MM-DD / last day")] = None,
    clear: Annotated[bool, typer.Option(help="取消田野调查期 / remove the window")] = False,
    coder: CoderOption = None,
) -> None:
    """查看或设置田野调查期（访谈日期应在其中）/ show or set the fieldwork window interviews fall in."""
    current = project()
    if clear:
        current.set_fieldwork(None, None, coder)
    elif start or end:
        if not (start and end):
            raise QcoderError("请同时给出开始和结束日期", "give both the first and the last day")
        current.set_fieldwork(ids.calendar_date(start, "start"), ids.calendar_date(end, "end"), coder)
    first, last = current.fieldwork()
    out.print(f"{first.isoformat()} {last.isoformat()}" if first and last else "—")


def _plan_qdpx(current: Project, path: Path, plan: Path, kind: str | None, id_map: Path | None, as_json: bool) -> None:
    """``import F.qdpx --plan FILE.csv``: the ID each source would get, as a CSV to edit; nothing imported."""
    report = current.plan_qdpx(path, kind, id_map)
    write_atomically(plan, qdpx_plan.plan_csv(report["sources"]))
    given = sum(bool(entry.get("id")) for entry in report["sources"])
    if as_json:
        print_json(report)
    else:
        for entry in report["sources"]:
            shown = f"{entry.get('id') or '-':16} {entry['name']}\n          {entry.get('note', '')}"
            (out if entry.get("id") else err).print(shown)
    err.print(
        f"已写入 {plan}：{len(report['sources'])} 个来源，{given} 个有编号，未导入任何内容；修改后用 --map {plan} 导入 / "
        f"wrote {plan}: {len(report['sources'])} sources, {given} with an ID; nothing was imported. "
        f"Edit it and import with --map {plan}"
    )


def _print_qdpx(report: dict) -> None:
    """One .qdpx import for people: what came in, sources given a record ID, then what was skipped and why."""
    (err if report["status"] == "failed" else out).print(f"{report['status']:9} {'.qdpx':16} {report['path']}")
    if report["message"]:
        err.print(f"          {report['message']}")
        return
    added, unchanged = len(report["sources_added"]), len(report["sources_unchanged"])
    out.print(
        f"          来源 新增 {added}、未变 {unchanged}；编码 新增 {report['codings_added']}、已有 "
        f"{report['codings_unchanged']}；备忘 新增 {report['memos_added']}、已有 {report['memos_unchanged']} / "
        f"sources {added} added, {unchanged} unchanged; codings {report['codings_added']} added, "
        f"{report['codings_unchanged']} already there; memos {report['memos_added']} added, "
        f"{report['memos_unchanged']} already there"
    )
    notes = {entry["name"]: entry.get("note") for entry in report["sources"]}
    for name, record_id in report["renamed"].items():
        out.print(f"          编号 / ID: {name} → {record_id}")
        if notes.get(name):
            err.print(f"            {notes[name]}")
    if report["codes_added"]:
        n = len(report["codes_added"])
        err.print(f"          编码簿 {report['codebook']} 新增 {n} 个代码 / {n} codes added to {report['codebook']}")
    for problem in report["skipped"]:
        err.print(f"          跳过 / skipped: {problem}")
    for warning in report["warnings"]:
        err.print(f"          注意 / warning: {warning}")


@export_app.command("qdpx")
@friendly
def export_qdpx(
    output: Annotated[Path, typer.Option("-o", "--output", help="写入的 .qdpx 文件 / the .qdpx file to write")],
    with_suggestions: Annotated[
        bool, typer.Option("--with-suggestions", help="包括未审阅的建议 / include unreviewed suggestions")
    ] = False,
    with_names: Annotated[
        bool, typer.Option("--with-names", help="写入受访者真实姓名 / write interviewees' real names")
    ] = False,
) -> None:
    """导出 REFI-QDA 项目，供 NVivo、ATLAS.ti、MAXQDA 打开 / export a REFI-QDA project (.qdpx) for other QDA tools."""
    emit(project().export_qdpx(output.stem, with_suggestions, with_names), "qdpx", output)


@codebook_app.command("export")
@friendly
def codebook_export(
    output: Annotated[Path, typer.Option("-o", "--output", help="写入的 .qdc 或 .csv 文件 / the file to write")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="qdc | taguette（默认按 -o 的扩展名：.csv 为 taguette，否则 qdc）"),
    ] = None,
) -> None:
    """导出编码簿：REFI-QDA（.qdc）或 Taguette 可导入的 CSV / export the codebook as REFI-QDA .qdc or as a
    codebook CSV Taguette imports."""
    fmt = fmt or ("taguette" if output.suffix.lower() == ".csv" else "qdc")
    if fmt not in ("qdc", "taguette"):
        raise QcoderError(f"未知格式 {fmt}：可选 qdc、taguette", f"unknown format {fmt}: choose qdc or taguette")
    emit(project().export_qdc() if fmt == "qdc" else project().export_taguette_codebook(), fmt, output)


@codebook_app.command("import")
@friendly
def codebook_import(
    path: Annotated[
        Path, typer.Argument(help=".qdc、.qdpx 或 Taguette 编码簿 .csv / a .qdc, a .qdpx or a Taguette codebook .csv")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="写入的 YAML / the YAML file to write")] = (
        codebook_mod.DEFAULT_PATH
    ),
    force: Annotated[bool, typer.Option(help="覆盖已有文件 / replace an existing file")] = False,
) -> None:
    """把 REFI-QDA 或 Taguette 编码簿转成 codebook YAML / turn a REFI-QDA codebook (.qdc, or a .qdpx's) or a
    Taguette codebook (.csv) into codebook YAML."""
    if output.exists() and not force:
        raise QcoderError(
            f"{output} 已存在，未覆盖：换一个 -o 文件名，或加 --force 覆盖",
            f"{output} exists and was not overwritten: choose another -o file, or add --force",
        )
    text = (taguette_codebook.codebook_yaml if path.suffix.lower() == ".csv" else qdc.codebook_yaml)(path)
    write_atomically(output, text.encode("utf-8"))
    err.print(
        f"已写入 {output}；用 qcoder codebook check {output} 查看，qcoder codebook sync {output} 同步 / "
        f"wrote {output}; review it with qcoder codebook check {output}, sync it with qcoder codebook sync {output}"
    )


user_app = typer.Typer(help="团队成员与角色 / people and roles (team mode)", no_args_is_help=True)
team_app = typer.Typer(help="团队模式 / team mode", no_args_is_help=True)
round_app = typer.Typer(help="一致性轮次（盲编码）/ agreement rounds (blind coding)", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(team_app, name="team")
app.add_typer(round_app, name="round")


def _password(from_stdin: bool) -> str:
    """A new password from stdin (scripts) or typed twice at a hidden prompt — never an option on the
    command line, where it would land in the shell history."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return typer.prompt("密码 / password", hide_input=True, confirmation_prompt=True, err=True)


PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="从标准输入读取密码 / read the password from stdin")
]


@user_app.command("add")
@friendly
def user_add(
    name: Annotated[str, typer.Argument(help="用户名 / name")],
    role: Annotated[str, typer.Option(help="owner | coder | viewer")] = "coder",
    password_stdin: PasswordStdin = False,
) -> None:
    """添加可登录的成员 / add a person who logs in."""
    project().add_user(name, role, _password(password_stdin))
    err.print(f"已添加 {name}（{role}）/ added {name} ({role})")


@user_app.command("set")
@friendly
def user_set(
    name: Annotated[str, typer.Argument(help="用户名 / name")],
    role: Annotated[str | None, typer.Option(help="owner | coder | viewer")] = None,
    active: Annotated[bool | None, typer.Option("--enable/--disable", help="能否登录 / may log in")] = None,
    password: Annotated[bool, typer.Option("--password", help="设置新密码 / set a new password")] = False,
    password_stdin: PasswordStdin = False,
) -> None:
    """修改角色、密码或停用 / change a role, a password, or disable a login."""
    new_password = _password(password_stdin) if password or password_stdin else None
    project().change_user(name, role, new_password, active)
    err.print(f"已更新 {name} / updated {name}")


@user_app.command("list")
@friendly
def user_list(as_json: JsonOption = False) -> None:
    """列出成员 / list people who log in."""
    rows = project().users()
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["name", "role", "active"])


@user_app.command("unlock")
@friendly
def user_unlock(
    name: Annotated[
        str | None, typer.Argument(help="用户名，或未知用户名的 ?HASH / a name, or an unknown name's ?HASH")
    ] = None,
    client: Annotated[str | None, typer.Option("--client", help="客户端地址 / a client's address")] = None,
) -> None:
    """解除登录锁定并清零失败次数 / lift a login lock and clear its failure count."""
    project().unlock(name, client)
    err.print(f"已解除 {name or client} 的登录锁定 / unlocked {name or client}")


@user_app.command("locks")
@friendly
def user_locks(as_json: JsonOption = False) -> None:
    """列出登录失败的用户名与地址 / list names and addresses with failed logins."""
    rows = project().login_locks()
    if as_json:
        print_json(rows)
    else:
        unknown = "（未知用户名 / unknown name）"  # the typed text is never kept: it may have been a password
        shown = [{**row, "who": f"{row['who']} {unknown}" if row["unknown_name"] else row["who"]} for row in rows]
        print_table(shown, ["kind", "who", "failures", "locked_until"])


@team_app.command("on")
@friendly
def team_on() -> None:
    """在 SQLite 项目上开启团队模式（PostgreSQL 始终开启）/ switch team mode on (always on for PostgreSQL)."""
    project().set_team_mode(True)
    err.print("团队模式已开启：应用需要登录 / team mode is on: the app asks for a login")


@team_app.command("off")
@friendly
def team_off() -> None:
    """关闭团队模式（仅 SQLite）/ switch team mode off (SQLite only)."""
    current = project()
    current.set_team_mode(False)
    state = "仍开启（PostgreSQL）/ still on (PostgreSQL)" if current.team_mode() else "已关闭 / off"
    err.print(f"团队模式 / team mode: {state}")


@round_app.command("open")
@friendly
def round_open(
    name: Annotated[str, typer.Argument(help="轮次名称 / name of the round")],
    source: Annotated[list[str], typer.Option("--source", help="来源编号，可多次给出 / source ID")],
    coder: CoderOption = None,
) -> None:
    """开启盲编码轮次：轮次中的来源上每人只看到自己的编码 / open a blind round on these sources."""
    out.print(str(project().open_round(name, source, coder)))


@round_app.command("close")
@friendly
def round_close(
    round_id: Annotated[int, typer.Argument(help="轮次编号 / round id")], coder: CoderOption = None
) -> None:
    """结束轮次：编码彼此可见，可计算一致性 / close a round: codings become visible to all."""
    project().close_round(round_id, coder)


@round_app.command("list")
@friendly
def round_list(as_json: JsonOption = False) -> None:
    """列出轮次 / list rounds."""
    rows = project().rounds()
    if as_json:
        print_json(rows)
    else:
        print_table(
            [{**r, "sources": ",".join(r["sources"])} for r in rows], ["id", "name", "open", "opened_by", "sources"]
        )


matrix_app = typer.Typer(
    help="分析展示：代码共现、框架矩阵、时间序列、词频 / analysis displays: co-occurrence, framework matrix, "
    "timeline, word frequencies",
    no_args_is_help=True,
)
app.add_typer(matrix_app, name="matrix")

MatrixCodeOption = Annotated[
    list[str] | None, typer.Option("--code", help="代码（含下级代码），可多次给出 / code, with its sub-codes")
]
MatrixDimensionOption = Annotated[list[str] | None, typer.Option("--dimension", help="维度，可多次给出 / dimension")]
MatrixKindOption = Annotated[list[str] | None, typer.Option("--kind", help="interview | policy | media")]
MatrixParticipantOption = Annotated[
    list[str] | None, typer.Option("--participant", help="该受访者的任一访谈编号 / an interview ID of the person")
]
LevelOption = Annotated[str, typer.Option("--level", help="code | dimension：按代码或按维度 / codes or dimensions")]
WithSuggestionsOption = Annotated[
    bool,
    typer.Option("--with-suggestions", help="计入未审阅的建议（输出中注明）/ count unreviewed suggestions (marked)"),
]
DisplayFormatOption = Annotated[
    str | None, typer.Option("--format", help="md | xlsx | docx | csv | json（默认按 -o 的扩展名，否则 md）")
]


def _display(frame: Any, fmt: str | None, output: Path | None, lang: str, kwic: Any = None) -> None:
    """A display to ``output`` or stdout, in ``fmt`` or the format the file name says (Markdown otherwise)."""
    fmt = fmt or (output.suffix.lstrip(".").lower() if output is not None and output.suffix else "md")
    emit(project().display_report(frame, fmt, lang, kwic), fmt, output)


@matrix_app.command("cooccurrence")
@friendly
def matrix_cooccurrence(
    code: MatrixCodeOption = None,
    dimension: MatrixDimensionOption = None,
    level: LevelOption = "code",
    c_coefficient: Annotated[
        bool, typer.Option("--c-coefficient", help="单元格为 c 系数而非次数 / cells as c-coefficients, not counts")
    ] = False,
    with_suggestions: WithSuggestionsOption = False,
    fmt: DisplayFormatOption = None,
    output: OutputOption = None,
    lang: LangOption = "zh",
) -> None:
    """代码共现矩阵：同一句子中出现的代码对 / codes × codes: codes coded in the same sentence."""
    chosen = display_selection(code, dimension, with_suggestions=with_suggestions)
    _display(project().cooccurrence(chosen, level, c_coefficient), fmt, output, lang)


@matrix_app.command("framework")
@friendly
def matrix_framework(
    rows: Annotated[str, typer.Option("--rows", help="participant | organization | role | kind：矩阵的行")] = (
        "participant"
    ),
    code: MatrixCodeOption = None,
    dimension: MatrixDimensionOption = None,
    kind: MatrixKindOption = None,
    level: LevelOption = "code",
    with_suggestions: WithSuggestionsOption = False,
    fmt: DisplayFormatOption = None,
    output: OutputOption = None,
    lang: LangOption = "zh",
) -> None:
    """框架矩阵：受访者（单位、身份、来源类型）× 代码，含次数、最有力的引文和研究者摘要 / framework matrix:
    participants (organisations, roles, kinds) × codes with counts, strongest quotes and summaries."""
    chosen = display_selection(code, dimension, kind, with_suggestions=with_suggestions)
    _display(project().framework(rows, chosen, level), fmt, output, lang)


@matrix_app.command("summary")
@friendly
def matrix_summary(
    row_kind: Annotated[str, typer.Argument(metavar="ROW_KIND", help="participant | organization | role | kind")],
    row_key: Annotated[
        str, typer.Argument(metavar="ROW_KEY", help="访谈编号、单位、身份或来源类型 / interview ID, organisation …")
    ],
    code: Annotated[str, typer.Argument(metavar="CODE", help="代码或维度 / code or dimension")],
    text: Annotated[str, typer.Argument(metavar="TEXT", help="摘要；空字符串删除 / the summary; empty removes it")],
    coder: CoderOption = None,
) -> None:
    """写入框架矩阵一个单元格的研究者摘要（记入审计日志）/ write a framework cell's summary (audited)."""
    project().set_framework_summary(row_kind, row_key, code, text, coder)
    err.print(f"已保存 {row_kind} {row_key} × {code} / saved")


@matrix_app.command("timeline")
@friendly
def matrix_timeline(
    by: Annotated[str, typer.Option("--by", help="month | quarter：按月或按季度 / by month or quarter")] = "month",
    code: MatrixCodeOption = None,
    dimension: MatrixDimensionOption = None,
    kind: MatrixKindOption = None,
    level: LevelOption = "code",
    with_suggestions: WithSuggestionsOption = False,
    fmt: DisplayFormatOption = None,
    output: OutputOption = None,
    lang: LangOption = "zh",
) -> None:
    """时间序列：各代码按来源日期的月份或季度、分来源类型出现的次数 / codes by month or quarter and kind."""
    chosen = display_selection(code, dimension, kind, with_suggestions=with_suggestions)
    result = project().timeline(chosen, by, level)
    _display(result, fmt, output, lang)
    if result.attrs["undated"]:
        listed = ", ".join(result.attrs["undated"])
        err.print(f"注意：这些来源没有日期，未计入 / note: these sources have no date and are left out: {listed}")


@matrix_app.command("words")
@friendly
def matrix_words(
    code: MatrixCodeOption = None,
    kind: MatrixKindOption = None,
    participant: MatrixParticipantOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="列出前 N 个词 / how many terms")] = 50,
    kwic: Annotated[str | None, typer.Option("--kwic", help="列出此词的上下文 / keyword-in-context lines")] = None,
    stopwords: Annotated[
        Path | None, typer.Option("--stopwords", help="停用词文件，每行一个 / stop words, one a line")
    ] = None,
    with_suggestions: WithSuggestionsOption = False,
    fmt: Annotated[
        str | None, typer.Option("--format", help="md | xlsx | docx | csv | json | png（词云，需 -o）")
    ] = None,
    output: OutputOption = None,
    lang: LangOption = "zh",
) -> None:
    """词频：所选代码的编码片段或所选来源全文的 jieba 分词频次与上下文 / word frequencies and KWIC lines
    of a code's passages or of the sources' text."""
    if stopwords is not None and not stopwords.is_file():
        raise QcoderError(f"找不到停用词文件 {stopwords}", f"stop-word file {stopwords} does not exist")
    listed = read_text(stopwords) if stopwords is not None else None  # UTF-8, UTF-16 or GBK, as sources
    current = project()
    chosen = display_selection(code, kinds=kind, participants=participant, with_suggestions=with_suggestions)
    terms = current.words(chosen, top, listed)
    fmt = fmt or (output.suffix.lstrip(".").lower() if output is not None and output.suffix else None)
    if fmt == "png":
        if output is None:
            raise QcoderError("词云请用 -o 指定 PNG 文件", "write the word cloud with -o FILE.png")
        emit(current.word_cloud(terms), fmt, output)
        return
    _display(terms, fmt, output, lang, current.kwic(chosen, kwic) if kwic else None)


if __name__ == "__main__":
    app()
