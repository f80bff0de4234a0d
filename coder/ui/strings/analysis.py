"""The Analysis page: co-occurrence, framework matrix, timeline, word frequencies."""

STRINGS: dict[str, dict[str, str]] = {
    # 分析 Analysis page
    "an_title": {"zh": "分析", "en": "Analysis"},
    "an_display": {"zh": "分析展示", "en": "Display"},
    "an_tab_cooccurrence": {"zh": "代码共现", "en": "Co-occurrence"},
    "an_tab_framework": {"zh": "框架矩阵", "en": "Framework matrix"},
    "an_tab_timeline": {"zh": "时间序列", "en": "Timeline"},
    "an_tab_words": {"zh": "词频", "en": "Word frequencies"},
    "an_all": {"zh": "全部", "en": "All"},
    "an_pick": {"zh": "请选择", "en": "Choose"},
    "an_level": {"zh": "层级", "en": "Level"},
    "an_level_code": {"zh": "代码", "en": "Codes"},
    "an_level_dimension": {"zh": "维度", "en": "Dimensions"},
    "an_with_suggestions": {"zh": "计入未审阅的建议", "en": "Count unreviewed suggestions"},
    "an_with_suggestions_help": {
        "zh": "默认只计入已接受和手工编码；打开后建议也计入，并在结果和导出文件中注明",
        "en": "By default only accepted and manual codings count; with this on, suggestions count too and every "
        "result and file says so",
    },
    "an_suggestions_marked": {
        "zh": "本结果计入了尚未审阅的编码建议（标为“建议”），建议不是证据。",
        "en": "These results count unreviewed suggestions (marked “suggestion”), which are not evidence.",
    },
    "an_suggestion": {"zh": "建议", "en": "suggestion"},
    "an_computing": {"zh": "正在计算……", "en": "Computing…"},
    "an_nothing": {"zh": "所选范围内还没有编码。", "en": "No codings in this selection yet."},
    "an_c": {"zh": "c 系数", "en": "c-coefficient"},
    "an_c_help": {
        "zh": "c = n₁₂ ÷ (n₁ + n₂ − n₁₂)：两个代码总是一起出现为 1，从不一起出现为 0",
        "en": "c = n₁₂ ÷ (n₁ + n₂ − n₁₂): 1 when two codes always occur together, 0 when never",
    },
    "an_co_value": {"zh": "共现句子数", "en": "Sentences with both"},
    "an_co_pick": {
        "zh": "点击矩阵中的单元格，或在下面选择两个代码，查看二者共现的引文",
        "en": "Click a cell of the matrix, or choose two codes below, to read where both occur",
    },
    "an_co_first": {"zh": "代码一", "en": "First code"},
    "an_co_second": {"zh": "代码二", "en": "Second code"},
    "an_co_found": {"zh": "{n} 处共现", "en": "{n} passages where both occur"},
    "an_rows": {"zh": "行", "en": "Rows"},
    "an_rows_participant": {"zh": "受访者", "en": "Participants"},
    "an_rows_organization": {"zh": "单位", "en": "Organisations"},
    "an_rows_role": {"zh": "身份", "en": "Roles"},
    "an_rows_kind": {"zh": "来源类型", "en": "Kinds of source"},
    "an_fw_caption": {
        "zh": "每个单元格：编码片段数、最有力的引文（按编码者一致数、分数和长度选出）和研究者写的摘要。受访者以姓名首字母和访谈编号表示。",
        "en": "Each cell: coded passages, the strongest quote (by agreeing coders, score and length) and the "
        "researcher's summary. Participants appear by initials and record IDs.",
    },
    "an_fw_unassigned": {
        "zh": "{n} 条编码的来源没有这一行的信息（如政策文本没有受访者），未计入。",
        "en": "{n} codings come from sources without this kind of row (a policy text has no participant) and are "
        "left out.",
    },
    "an_fw_count": {"zh": "编码片段数", "en": "Coded passages"},
    "an_fw_row": {"zh": "行", "en": "Row"},
    "an_fw_pick": {
        "zh": "点击矩阵中的单元格，或在下面选择行和代码，阅读引文并撰写摘要",
        "en": "Click a cell of the matrix, or choose a row and a code below, to read its quote and write a summary",
    },
    "an_fw_strongest": {"zh": "最有力的引文", "en": "Strongest quote"},
    "an_fw_no_quote": {"zh": "这一单元格没有编码。", "en": "No codings in this cell."},
    "an_fw_summary": {"zh": "研究者摘要", "en": "Researcher's summary"},
    "an_fw_summary_help": {
        "zh": "用自己的话概括这一行在这个代码上说了什么；保存在项目中，随矩阵导出。清空后保存即删除。",
        "en": "Sum up in your words what this row says about this code; stored in the project and exported with "
        "the matrix. Save it empty to remove it.",
    },
    "an_fw_summary_by": {"zh": "{coder} 于 {at} 撰写", "en": "Written by {coder}, {at}"},
    "an_fw_save": {"zh": "保存摘要", "en": "Save summary"},
    "an_fw_cells": {"zh": "有编码或摘要的单元格", "en": "Cells with codings or a summary"},
    "an_tl_by": {"zh": "时间单位", "en": "Period"},
    "an_tl_by_month": {"zh": "月", "en": "Month"},
    "an_tl_by_quarter": {"zh": "季度", "en": "Quarter"},
    "an_tl_caption": {
        "zh": "按来源日期（访谈日期、发文日期、报道日期）归入时间；计数为编码片段数。",
        "en": "Placed by the source's date (interview date, issue date, report date); counts are coded passages.",
    },
    "an_tl_undated": {
        "zh": "这些来源没有日期，其编码无法归入时间，未计入：{list}",
        "en": "These sources have no date, so their codings are not placed in time: {list}",
    },
    "an_tl_undated_one": {"zh": "{source}（{n} 条编码）", "en": "{source} ({n} codings)"},
    "an_tl_period": {"zh": "时间", "en": "Period"},
    "an_tl_code": {"zh": "按来源类型查看的代码", "en": "Code to show by kind of source"},
    "an_tl_all_codes": {"zh": "所有代码合计", "en": "All codes together"},
    "an_wd_code": {"zh": "代码（含下级代码）", "en": "Code (with its sub-codes)"},
    "an_wd_whole_text": {"zh": "不选：统计来源全文", "en": "No code: the sources' whole text"},
    "an_wd_participant": {"zh": "受访者（访谈编号）", "en": "Participant (interview ID)"},
    "an_wd_top": {"zh": "列出前几个词", "en": "Top terms"},
    "an_wd_read_coded": {
        "zh": "统计所选代码的编码片段：{characters} 字，计入 {tokens} 个词（jieba 分词，编码簿术语保持完整，至少两个字，已去除停用词）。",
        "en": "Coded passages of the selected code: {characters} characters, {tokens} words counted (jieba, codebook "
        "terms kept whole, at least two characters, stop words removed).",
    },
    "an_wd_read_text": {
        "zh": "统计所选来源的全文（不含访谈者的提问）：{characters} 字，计入 {tokens} 个词（jieba 分词，编码簿术语保持完整，至少两个字，已去除停用词）。",
        "en": "The whole text of the selected sources (without the interviewer's questions): {characters} characters, "
        "{tokens} words counted (jieba, codebook terms kept whole, at least two characters, stop words removed).",
    },
    "an_wd_term": {"zh": "词", "en": "Term"},
    "an_wd_count": {"zh": "次数", "en": "Count"},
    "an_wd_sources": {"zh": "来源数", "en": "Sources"},
    "an_wd_cloud": {"zh": "显示词云", "en": "Show a word cloud"},
    "an_wd_kwic": {"zh": "关键词上下文", "en": "Keyword in context"},
    "an_wd_kwic_term": {"zh": "选择或输入一个词", "en": "Choose or type a term"},
    "an_wd_kwic_found": {
        "zh": "“{term}”作为一个词出现 {n} 次（与词频相同的分词）",
        "en": "“{term}” occurs {n} times as a word (the tokens the counts use)",
    },
    "an_wd_left": {"zh": "左侧上下文", "en": "Left context"},
    "an_wd_right": {"zh": "右侧上下文", "en": "Right context"},
    "an_wd_citation": {"zh": "出处", "en": "Citation"},
    "an_wd_stopwords": {"zh": "停用词", "en": "Stop words"},
    "an_wd_stopwords_help": {
        "zh": "每行一个词，# 开头为注释。保存后用于本项目的所有词频统计。",
        "en": "One word a line; lines starting with # are comments. Saved for every word count in this project.",
    },
    "an_wd_stop_save": {"zh": "保存停用词", "en": "Save stop words"},
    "an_wd_stop_default": {"zh": "恢复默认停用词", "en": "Restore the default list"},
    "an_wd_stop_saved": {"zh": "停用词已保存", "en": "Stop words saved"},
    "an_wd_no_terms": {"zh": "所选内容中没有可统计的词。", "en": "No words to count in this selection."},
    "an_downloads": {"zh": "下载", "en": "Download"},
}
