"""Triangulation and the claims it checks: ``triangulate``, ``claim``."""

from typing import Annotated

import typer

from coder.cli.common import (
    CoderOption,
    JsonOption,
    LangOption,
    NoMaskOption,
    OutputOption,
    app,
    emit,
    err,
    friendly,
    out,
    print_json,
    print_table,
    project,
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
    no_mask: NoMaskOption = False,
) -> None:
    """三角验证：每个代码是否得到多类来源佐证 / is every code corroborated across kinds of sources?"""
    from collections import Counter

    from coder.evidence.triangulation import STATUSES

    current = project()
    result = current.triangulate(min_kinds)
    emit(current.triangulation_report(result, fmt, lang, not no_mask), fmt, output)
    statuses = Counter(row["status"] for row in result["codes"] if row["level"] == "code")
    err.print(" · ".join(f"{status} {statuses.get(status, 0)}" for status in STATUSES))


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
