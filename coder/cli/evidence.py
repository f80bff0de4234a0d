"""Evidence: ``search`` of the whole text, triangulation and the claims it checks: ``triangulate``, ``claim``."""

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
from coder.errors import QcoderError


@app.command()
@friendly
def search(
    text: Annotated[
        str, typer.Argument(help="查找的文字（不给则列出已编码段落）/ what to find (none: the coded passages)")
    ] = "",
    any_word: Annotated[
        bool, typer.Option("--any-word", help="按分词查找其中任一词 / any of its words, as whole words")
    ] = False,
    uncoded: Annotated[bool, typer.Option("--uncoded", help="只要未编码的 / only hits nobody coded")] = False,
    coded: Annotated[bool, typer.Option("--coded", help="只要已编码的 / only coded hits")] = False,
    code: Annotated[list[str] | None, typer.Option("--code", help="代码（含下级代码）/ code, with sub-codes")] = None,
    dimension: Annotated[str | None, typer.Option(help="维度 / dimension")] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind", help="interview | policy | media")] = None,
    role: Annotated[list[str] | None, typer.Option("--role", help="受访者身份 / participant role")] = None,
    coder: Annotated[list[str] | None, typer.Option("--coder", help="编码者 / coder")] = None,
    status: Annotated[list[str] | None, typer.Option("--status", help="默认 accepted、manual / statuses")] = None,
    no_questions: Annotated[
        bool, typer.Option("--no-questions", help="不查访谈者的提问 / leave out the interviewer's lines")
    ] = False,
    no_mask: NoMaskOption = False,
    fmt: Annotated[str, typer.Option("--format", help="md | docx | xlsx | csv | json")] = "md",
    output: OutputOption = None,
    lang: LangOption = "zh",
) -> None:
    """在全部来源文本中查找，结果按引文格式导出 / search the whole text of the sources; the hits as cited quotes."""
    from coder.retrieval import EVIDENCE, Query

    if coded and uncoded:
        raise QcoderError(
            "--coded 与 --uncoded 互相矛盾，只能选一个", "--coded and --uncoded contradict each other; choose one"
        )
    query = Query(
        codes=code or [], dimension=dimension, kinds=kind or [], roles=role or [], coders=coder or [],
        statuses=status or list(EVIDENCE), text=text, match="words" if any_word else "substring",
        coded="coded" if coded else "uncoded" if uncoded else "both", questions=not no_questions,
    )  # fmt: skip
    emit(project().export_search(query, fmt, lang, not no_mask), fmt, output)


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
