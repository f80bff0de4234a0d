"""Files for papers and other tools: ``export quotes|respondents|qdpx`` and the ``matrix`` displays."""

from pathlib import Path
from typing import Annotated, Any

import typer

from coder.cli.common import CoderOption, LangOption, NoMaskOption, OutputOption, app, emit, err, friendly, project
from coder.defaults import MAX_CHARS
from coder.errors import QcoderError

export_app = typer.Typer(help="导出 / export for papers and other tools", no_args_is_help=True)
app.add_typer(export_app, name="export")


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
    no_mask: NoMaskOption = False,
    interview_template: Annotated[str | None, typer.Option(help="访谈出处模板，如 访谈编号：{id}")] = None,
    policy_template: Annotated[str | None, typer.Option(help="政策文本出处模板")] = None,
    media_template: Annotated[str | None, typer.Option(help="媒体报道出处模板")] = None,
    fmt: Annotated[str, typer.Option("--format", help="md | docx | xlsx | csv")] = "md",
    output: OutputOption = None,
    lang: LangOption = "zh",
) -> None:
    """导出编码引文（按维度、代码分组并标注出处）/ export coded quotes, grouped and cited for a paper."""
    from coder.citation import DEFAULT_TEMPLATES, Style
    from coder.export.quotes import EVIDENCE, Selection

    templates = {**DEFAULT_TEMPLATES}
    for kind_name, template in (("interview", interview_template), ("policy", policy_template),
                                ("media", media_template)):  # fmt: skip
        if template:
            templates[kind_name] = template
    selection = Selection(
        codes=code or [], subcodes=not exact, dimensions=dimension or [], statuses=status or list(EVIDENCE),
        kinds=kind or [], participants=participant or [], max_chars=max_chars, context=context,
    )  # fmt: skip
    emit(project().export_quotes(selection, fmt, Style(templates, footnotes), lang, with_ids, not no_mask), fmt, output)


@export_app.command("respondents")
@friendly
def export_respondents(
    fmt: Annotated[str, typer.Option("--format", help="md | docx | xlsx | csv")] = "md",
    output: OutputOption = None,
    lang: LangOption = "zh",
    no_mask: NoMaskOption = False,
) -> None:
    """导出受访者基本情况表（不含姓名）/ export the respondent table (never with names)."""
    emit(project().export_respondents(fmt, lang, not no_mask), fmt, output)


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
    masked: Annotated[
        bool, typer.Option("--masked", help="屏蔽名单中的姓名与地名 / mask the names on the mask list")
    ] = False,
) -> None:
    """导出 REFI-QDA 项目，供 NVivo、ATLAS.ti、MAXQDA 打开 / export a REFI-QDA project (.qdpx) for other QDA tools."""
    if masked and with_names:
        raise QcoderError(
            f"{output}：--masked（屏蔽姓名）与 --with-names（写入真实姓名）互相矛盾，只能选一个",
            f"{output}: --masked (mask names) and --with-names (write real names) contradict each other; choose one",
        )
    emit(project().export_qdpx(output.stem, with_suggestions, with_names, masked), "qdpx", output)


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


def _display(
    frame: Any, fmt: str | None, output: Path | None, lang: str, kwic: Any = None, masked: bool = True
) -> None:
    """A display to ``output`` or stdout, in ``fmt`` or the format the file name says (Markdown otherwise)."""
    fmt = fmt or (output.suffix.lstrip(".").lower() if output is not None and output.suffix else "md")
    emit(project().display_report(frame, fmt, lang, kwic, masked), fmt, output)


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
    no_mask: NoMaskOption = False,
) -> None:
    """代码共现矩阵：同一句子中出现的代码对 / codes × codes: codes coded in the same sentence."""
    from coder.analysis.loading import selection as display_selection

    chosen = display_selection(code, dimension, with_suggestions=with_suggestions)
    _display(project().cooccurrence(chosen, level, c_coefficient), fmt, output, lang, masked=not no_mask)


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
    no_mask: NoMaskOption = False,
) -> None:
    """框架矩阵：受访者（单位、身份、来源类型）× 代码，含次数、最有力的引文和研究者摘要 / framework matrix:
    participants (organisations, roles, kinds) × codes with counts, strongest quotes and summaries."""
    from coder.analysis.loading import selection as display_selection

    chosen = display_selection(code, dimension, kind, with_suggestions=with_suggestions)
    _display(project().framework(rows, chosen, level), fmt, output, lang, masked=not no_mask)


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
    no_mask: NoMaskOption = False,
) -> None:
    """时间序列：各代码按来源日期的月份或季度、分来源类型出现的次数 / codes by month or quarter and kind."""
    from coder.analysis.loading import selection as display_selection

    chosen = display_selection(code, dimension, kind, with_suggestions=with_suggestions)
    result = project().timeline(chosen, by, level)
    _display(result, fmt, output, lang, masked=not no_mask)
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
    no_mask: NoMaskOption = False,
) -> None:
    """词频：所选代码的编码片段或所选来源全文的 jieba 分词频次与上下文 / word frequencies and KWIC lines
    of a code's passages or of the sources' text."""
    from coder.analysis.loading import selection as display_selection
    from coder.sources.textfile import read_text

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
    _display(terms, fmt, output, lang, current.kwic(chosen, kwic) if kwic else None, not no_mask)
