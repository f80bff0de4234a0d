"""Working as a team: agreement (``icr``), ``consensus``, the ``audit`` log, ``user``, ``team`` and ``round``."""

import sys
from typing import Annotated

import typer

from coder.cli.common import (
    CoderOption,
    JsonOption,
    LangOption,
    OutputOption,
    app,
    cell,
    emit,
    err,
    friendly,
    out,
    print_json,
    print_table,
    project,
)
from coder.defaults import MIN_REACH
from coder.errors import QcoderError

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
    ] = MIN_REACH,
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
    from coder.export.agreement import table as agreement_table

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
        out.print(f"{row['source']} [{row['start']}, {row['end']}) {cell(row['text'])}")
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
    from coder import history

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
