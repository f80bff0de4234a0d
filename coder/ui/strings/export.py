"""The Export page: quotes for papers, respondents, REFI-QDA."""

STRINGS: dict[str, dict[str, str]] = {
    "export": {"zh": "导出", "en": "Export"},
    "exp_quotes": {"zh": "编码引文", "en": "Quotes"},
    "exp_subcodes": {"zh": "包含下级代码", "en": "Include sub-codes"},
    "exp_participants": {"zh": "受访者（按访谈记录编号）", "en": "Participants (by interview record ID)"},
    "exp_participants_help": {
        "zh": "选择某次访谈，即包括同一受访者的所有访谈",
        "en": "Choosing an interview includes every interview with the same person",
    },
    "exp_max_chars": {"zh": "引文最多字数（0 = 完整引文）", "en": "Maximum characters per quote (0 = whole)"},
    "exp_max_chars_help": {
        "zh": "较长的引文在句末或分句处截断，并以“……”标出",
        "en": "Longer quotes end at a sentence or clause boundary, marked “……”",
    },
    "exp_context": {"zh": "前后文句数", "en": "Context sentences"},
    "exp_context_help": {
        "zh": "在引文前后各附上几句完整的原文（0–3）",
        "en": "Whole sentences shown before and after each quote (0–3)",
    },
    "exp_form": {"zh": "引用形式", "en": "Citation form"},
    "exp_form_brackets": {"zh": "括号夹注", "en": "In brackets"},
    "exp_form_footnotes": {"zh": "脚注", "en": "Footnotes"},
    "exp_with_ids": {"zh": "标题附代码编号", "en": "Code ids in headings"},
    "exp_with_ids_help": {
        "zh": "论文中的标题只写代码名称；核对时可在名称后附上编号（如 structure.tiering）",
        "en": "A paper's headings name the codes; add their ids (such as structure.tiering) for checking",
    },
    "exp_templates": {"zh": "引用格式模板", "en": "Citation templates"},
    "exp_templates_help": {
        "zh": "可用字段：{id} {title} {date} {issuer} {doc_number} {outlet} {author}；空字段及其分隔符会自动省略。",
        "en": "Fields: {id} {title} {date} {issuer} {doc_number} {outlet} {author}; empty fields and their "
        "separators drop out.",
    },
    "exp_exchange": {"zh": "与其他质性分析软件交换（REFI-QDA）", "en": "Exchange with other QDA tools (REFI-QDA)"},
    "exp_exchange_caption": {
        "zh": "项目文件（.qdpx）可在 NVivo、ATLAS.ti、MAXQDA 等软件中打开：含编码簿、来源全文与元数据、已接受和手工编码、"
        "备忘；受访者以首字母标识，不含姓名。编码簿文件（.qdc）只含代码。",
        "en": "The project file (.qdpx) opens in NVivo, ATLAS.ti, MAXQDA and other tools: the codebook, every "
        "source with its metadata, accepted and manual codings, memos; interviewees by initials, never by name. "
        "The codebook file (.qdc) holds the codes only.",
    },
    "exp_with_suggestions": {"zh": "同时导出待审阅的编码建议", "en": "Include suggestions not yet reviewed"},
    "exp_qdpx_masked": {"zh": "屏蔽名单中的姓名与地名", "en": "Mask the names on the mask list"},
    "exp_qdpx_masked_help": {
        "zh": "来源全文、备忘与元数据中的姓名、地名、机构名按屏蔽列表替换，编码位置随之调整；项目文件交给他人时使用。",
        "en": "Names of people, places and bodies in the texts, memos and metadata are replaced as the mask list "
        "says, and the codings' positions follow; use it for a project file you pass on.",
    },
    "exp_count": {"zh": "符合条件的引文共 {n} 条", "en": "{n} quotes match"},
    "exp_preview": {"zh": "预览", "en": "Preview"},
    "exp_no_quotes": {"zh": "没有符合条件的引文。", "en": "No quotes match."},
    "exp_note": {"zh": "注", "en": "Note"},
    "exp_before": {"zh": "前文", "en": "Before"},
    "exp_after": {"zh": "后文", "en": "After"},
    "exp_context_shown": {"zh": "〔{}〕", "en": "[{}]"},  # a quote's context, under it in the preview
    "exp_context_sep": {"zh": "　", "en": " · "},
    "exp_more": {
        "zh": "预览只显示前 50 条，另有 {n} 条在导出文件中",
        "en": "The preview shows the first 50; {n} more are in the exported files",
    },
    "exp_id_note": {
        "zh": "访谈记录编号规则的说明只在导出文件中出现一次（第一处访谈引文的注释）。",
        "en": "The exported files explain the interview record ID convention once, in a note at the first "
        "interview quote.",
    },
    "exp_respondents": {"zh": "受访者基本情况表", "en": "Respondents"},
    "exp_respondents_caption": {
        "zh": "每次访谈一行，以访谈记录编号标识受访者，不含姓名。",
        "en": "One row per interview, labelled by its record ID; no names.",
    },
    "exp_no_respondents": {"zh": "还没有访谈记录。", "en": "No interviews yet."},
    "exp_col_role": {"zh": "身份", "en": "Role"},
    "exp_col_organization": {"zh": "单位", "en": "Organisation"},
    "exp_col_date": {"zh": "访谈日期", "en": "Date"},
    "exp_col_place": {"zh": "访谈地点", "en": "Place"},
    "exp_col_interviewer": {"zh": "访谈者", "en": "Interviewer"},
    "exp_col_duration": {"zh": "时长", "en": "Duration"},
}
