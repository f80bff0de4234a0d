"""Setting up a project and bringing sources in: ``init``, ``import``, ``sources``, ``id``, ``fieldwork``."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from coder.cli.common import CoderOption, JsonOption, app, db_url, err, friendly, out, print_json, print_table, project
from coder.errors import QcoderError

if TYPE_CHECKING:
    from coder.project import Project
    from coder.sources import ids

id_app = typer.Typer(help="记录编号 / record IDs", no_args_is_help=True)
sources_app = typer.Typer(help="来源 / sources", no_args_is_help=True)
app.add_typer(id_app, name="id")
app.add_typer(sources_app, name="sources")


@app.command()
@friendly
def init(
    codebook: Annotated[
        Path | None,
        typer.Option(
            help="编码簿文件（默认 QCODER_CODEBOOK 或 codebook.yaml）/ codebook file (default QCODER_CODEBOOK or codebook.yaml)"
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option(help="允许删除仍有编码的代码 / allow removing codes that have codings")
    ] = False,
    coder: Annotated[str | None, typer.Option(help="记录在审计日志中的编码者 / coder named in the audit log")] = None,
) -> None:
    """建立或升级数据库结构，并同步编码簿 / create or upgrade the database and sync the codebook."""
    from coder import codebook as codebook_mod
    from coder.cli.codebook import sync_codebook
    from coder.db import migrate
    from coder.db.engine import make_engine

    if codebook is not None and not codebook.exists():
        raise QcoderError(f"找不到编码簿 {codebook}", f"codebook {codebook} does not exist")
    path = codebook or codebook_mod.app_path()
    book = codebook_mod.load(path) if path.exists() else None  # checked before the database is touched
    engine = make_engine(db_url())
    migrate.upgrade(engine)
    err.print("数据库结构已是最新 / schema is up to date")
    if book is not None:
        sync_codebook(engine, book, force, coder)
    else:
        err.print(f"未找到编码簿 {path}，跳过同步 / no codebook at {path}: not synced")


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
    from coder import codebook as codebook_mod
    from coder.sources import corpus

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
    from coder.sources import listing

    rows = listing.sources(db_url())
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
    from coder.sources import ids

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
    """IDs already in the project, if there is an initialised project; collisions are checked against them.
    A database that is there but cannot be read is an error: the check is never skipped in silence."""
    from coder.errors import NotInitialised
    from coder.sources import listing

    try:
        return listing.record_ids(db_url())
    except NotInitialised:
        err.print(
            "注意：没有已初始化的项目数据库，未检查编号是否重复 / "
            "note: no initialised project database, so collisions with existing IDs were not checked"
        )
        return set()


@id_app.command("check")
@friendly
def id_check(record_id: Annotated[str, typer.Argument(metavar="ID")], as_json: JsonOption = False) -> None:
    """检查记录编号是否符合规则 / check a record ID (exit 0 valid, 1 invalid)."""
    from coder.sources import ids

    parsed = ids.parse(record_id)
    if as_json:
        print_json(
            {"id": record_id, "valid": True, "kind": parsed.kind, "date": parsed.date.isoformat(), **_id_parts(parsed)}
        )
    else:
        out.print(f"{record_id}: 有效 / valid ({parsed.kind}, {parsed.date})")


def _id_parts(parsed: "ids.InterviewId | ids.DocumentId") -> dict[str, Any]:
    from coder.sources import ids

    if isinstance(parsed, ids.InterviewId):
        return {"initials": parsed.initials, "suffix": parsed.suffix}
    return {"number": parsed.number}


@app.command()
@friendly
def fieldwork(
    start: Annotated[str | None, typer.Argument(help="开始日期 YYYY-MM-DD / first day")] = None,
    end: Annotated[str | None, typer.Argument(help="结束日期 YYYY-MM-DD / last day")] = None,
    clear: Annotated[bool, typer.Option(help="取消田野调查期 / remove the window")] = False,
    coder: CoderOption = None,
) -> None:
    """查看或设置田野调查期（访谈日期应在其中）/ show or set the fieldwork window interviews fall in."""
    from coder.sources import ids

    current = project()
    if clear:
        current.set_fieldwork(None, None, coder)
    elif start or end:
        if not (start and end):
            raise QcoderError("请同时给出开始和结束日期", "give both the first and the last day")
        current.set_fieldwork(ids.calendar_date(start, "start"), ids.calendar_date(end, "end"), coder)
    first, last = current.fieldwork()
    out.print(f"{first.isoformat()} {last.isoformat()}" if first and last else "—")


def _plan_qdpx(
    current: "Project", path: Path, plan: Path, kind: str | None, id_map: Path | None, as_json: bool
) -> None:
    """``import F.qdpx --plan FILE.csv``: the ID each source would get, as a CSV to edit; nothing imported."""
    from coder.export import qdpx_plan
    from coder.files import write_atomically

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
