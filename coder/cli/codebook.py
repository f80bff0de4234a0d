"""The codebook file and its codes in the project: ``codebook check|sync|export|import``, ``codes list``."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coder.cli.common import JsonOption, app, emit, err, friendly, out, print_json, print_table, project
from coder.defaults import CODEBOOK
from coder.errors import QcoderError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from coder.codebook import Codebook

codebook_app = typer.Typer(help="编码簿 / codebook", no_args_is_help=True)
codes_app = typer.Typer(help="编码簿中的代码 / codes of the codebook", no_args_is_help=True)
app.add_typer(codebook_app, name="codebook")
app.add_typer(codes_app, name="codes")

# The project's own codebook file; never the built-in one, whose codes a project may not have.
CodebookArgument = Annotated[
    Path | None,
    typer.Argument(
        help="默认 QCODER_CODEBOOK 或 codebook.yaml / default QCODER_CODEBOOK or codebook.yaml", show_default=False
    ),
]


def sync_codebook(engine: "Engine", book: "Codebook", force: bool, coder: str | None) -> None:
    """Sync ``book`` into the project and say what changed (``init`` and ``codebook sync``)."""
    from coder.audit import coder_named
    from coder.codebook_sync import sync
    from coder.db.engine import retrying

    report = retrying(engine, lambda s: sync(s, book, coder_named(s, coder), force=force))
    err.print(
        f"编码簿 {book.path} 版本 {report.version}：新增 {len(report.created)}，更新 {len(report.updated)}，"
        f"改名 {len(report.renamed)}，删除 {len(report.removed)} / codebook synced "
        f"(created {len(report.created)}, updated {len(report.updated)}, renamed {len(report.renamed)}, "
        f"removed {len(report.removed)})"
    )


@codebook_app.command("check")
@friendly
def codebook_check(
    path: CodebookArgument = None,
) -> None:
    """校验编码簿 / validate a codebook file."""
    from coder import codebook as codebook_mod

    path = path or codebook_mod.app_path()
    book = codebook_mod.load(path)
    dims = [n for n in book.nodes if n.is_dimension]
    out.print(f"{path}: 有效 / valid — {len(dims)} 个维度 / dimensions, {len(book.codes)} 个代码 / codes, "
              f"版本 / version {book.version}")  # fmt: skip


@codebook_app.command("sync")
@friendly
def codebook_sync(
    path: CodebookArgument = None,
    force: Annotated[
        bool, typer.Option(help="允许删除仍有编码的代码 / allow removing codes that have codings")
    ] = False,
    coder: Annotated[str | None, typer.Option()] = None,
) -> None:
    """把编码簿同步到数据库 / sync the codebook into the database."""
    from coder import codebook as codebook_mod

    book = codebook_mod.load(path or codebook_mod.app_path())  # checked before the database is opened
    sync_codebook(project().engine, book, force, coder)


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
    output: Annotated[Path, typer.Option("-o", "--output", help="写入的 YAML / the YAML file to write")] = CODEBOOK,
    force: Annotated[bool, typer.Option(help="覆盖已有文件 / replace an existing file")] = False,
) -> None:
    """把 REFI-QDA 或 Taguette 编码簿转成 codebook YAML / turn a REFI-QDA codebook (.qdc, or a .qdpx's) or a
    Taguette codebook (.csv) into codebook YAML."""
    from coder.export import qdc, taguette_codebook
    from coder.files import write_atomically

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
