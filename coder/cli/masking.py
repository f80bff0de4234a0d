"""De-identification: ``mask list|add|remove|dismiss|suggest`` (see :mod:`coder.masking`)."""

from typing import Annotated

import typer

from coder.cli.common import CoderOption, JsonOption, app, err, friendly, out, print_json, print_table, project

mask_app = typer.Typer(
    help="屏蔽列表：导出时隐去的人名、地名、机构名 / the mask list: names hidden in exports", no_args_is_help=True
)
app.add_typer(mask_app, name="mask")

KindOption = Annotated[str, typer.Option("--kind", help="person | place | org：人名、地名或机构名")]
MentionArgument = Annotated[
    str, typer.Argument(metavar="TEXT", help="文中出现的写法，如 马书记 / as the text writes it")
]


@mask_app.command("list")
@friendly
def mask_list(
    with_names: Annotated[
        bool, typer.Option("--with-names", help="显示受访者真实姓名 / show interviewees' names")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """列出屏蔽列表（已确认与已排除的）/ list the mask list (confirmed and dismissed)."""
    rows = project().masks(with_names)
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["mention", "replacement", "kind", "status", "origin"])


@mask_app.command("add")
@friendly
def mask_add(
    mention: MentionArgument,
    kind: KindOption = "person",
    replacement: Annotated[
        str | None, typer.Option("--as", help="替代为（默认按规则：陈老师 → C老师，石桥镇 → S镇）/ replace by")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="改变已有条目的替代词 / change an entry's replacement")
    ] = False,
    coder: CoderOption = None,
) -> None:
    """确认一个要屏蔽的名称 / confirm a name to mask in every output."""
    row = project().add_mask(mention, kind, coder, replacement, replace)
    err.print(f"已加入：{row['mention']} → {row['replacement']} / masked: {row['mention']} → {row['replacement']}")


@mask_app.command("dismiss")
@friendly
def mask_dismiss(mention: MentionArgument, kind: KindOption = "person", coder: CoderOption = None) -> None:
    """排除一个候选（不是人名地名），不再提出 / dismiss a candidate: never proposed again."""
    project().dismiss_mask(mention, kind, coder)
    err.print(f"已排除 / dismissed: {mention}")


@mask_app.command("remove")
@friendly
def mask_remove(mention: MentionArgument, coder: CoderOption = None) -> None:
    """从屏蔽列表中删除一项 / remove an entry from the mask list."""
    project().remove_mask(mention, coder)
    err.print(f"已删除 / removed: {mention}")


@mask_app.command("suggest")
@friendly
def mask_suggest(
    top: Annotated[int, typer.Option("--top", min=1, help="最多几条 / how many")] = 50, as_json: JsonOption = False
) -> None:
    """从全部来源中找出可能要屏蔽的名称，供确认（不会自动屏蔽）/ candidates found in the sources, to confirm
    with mask add or dismiss (never masked unconfirmed)."""
    found = project().mask_suggestions()[:top]
    if as_json:
        print_json(found)
        return
    for row in found:
        out.print(f"{row['mention']}\t{row['kind']}\t→ {row['replacement']}\t×{row['count']}\t{row['contexts'][0]}")
    err.print(
        f"{len(found)} 个候选；用 qcoder mask add / dismiss 决定 / candidates: decide with qcoder mask add or dismiss"
    )
