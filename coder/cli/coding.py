"""Coding and reviewing: ``code``, ``suggest``, ``tag``, ``eval``, ``train``, ``suggester``, ``keywords``,
``review`` and ``memo``."""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from coder.cli.common import CoderOption, JsonOption, app, err, friendly, out, print_json, print_table, project
from coder.defaults import MIN_SCORE
from coder.errors import QcoderError

code_app = typer.Typer(help="编码 / codings", no_args_is_help=True)
app.add_typer(code_app, name="code")


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
    from coder.coding import add_coding
    from coder.db.engine import retrying

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
    codebook: Annotated[
        Path | None,
        typer.Option(
            help="编码簿文件（默认 QCODER_CODEBOOK 或 codebook.yaml，没有时用内置编码簿）/ codebook file (default QCODER_CODEBOOK or codebook.yaml, else the built-in one)",
            show_default=False,
        ),
    ] = None,
    min_score: Annotated[float, typer.Option(help="最低分 / lowest score shown")] = MIN_SCORE,
    as_json: JsonOption = False,
) -> None:
    """为标准输入的文本给出编码建议 / suggest codes for the text on stdin."""
    from coder import codebook as codebook_mod
    from coder.sources.textfile import normalise
    from coder.tagger import Tagger

    book = codebook_mod.load(codebook or codebook_mod.default_path())
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
    from coder.retag_report import describe as describe_retag

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
    from coder.evaluation import SUMMARIES

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
    from coder import learned

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
    from coder import review
    from coder.db.engine import retrying

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
    from coder import review
    from coder.db.engine import retrying

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
    from coder.quote_files import load_quote_files

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
    from coder.export import taguette_highlights

    report = taguette_highlights.load_highlights(project().engine, path, coder)
    _print_code_import(
        report,
        as_json,
        f"{report.documents} 个来源：新增编码 {report.added}，已存在 {report.unchanged}，"
        f"无标签的标注 {report.untagged}（略过）/ {report.documents} sources: {report.added} codings added, "
        f"{report.unchanged} already there, {report.untagged} highlights without a tag (skipped)",
    )


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
