"""The Retrieve page: the whole-text search (coder.search)."""

STRINGS: dict[str, dict[str, str]] = {
    # Retrieve: the whole-text search (coder.search)
    "r_match": {"zh": "匹配方式", "en": "Match"},
    "r_match_substring": {"zh": "完整字串", "en": "Exact substring"},
    "r_match_words": {"zh": "任一词", "en": "Any of the words"},
    "r_match_help": {
        "zh": "完整字串：原样查找，也找到词中的字串（考核办法 中的 考核）。任一词：查找词按项目分词器切分"
        "（考核排名 → 考核、排名），找出含其中任一完整词的句子，词中的字串不算。",
        "en": "Exact substring: found as typed, inside longer words too (考核 in 考核办法). Any of the words: the "
        "text is cut by the project's tokenizer (考核排名 → 考核, 排名) and a sentence holding any of those as a "
        "whole word is found; a word inside a longer word does not count.",
    },
    "r_coded": {"zh": "编码情况", "en": "Coded"},
    "r_coded_both": {"zh": "全部", "en": "Both"},
    "r_coded_coded": {"zh": "已编码", "en": "Coded"},
    "r_coded_uncoded": {"zh": "未编码", "en": "Uncoded"},
    "r_coded_help": {
        "zh": "已编码：命中处有符合上面条件（代码、维度、编码者、状态）的编码；未编码：没有这样的编码。",
        "en": "Coded: a coding that the filters above keep (code, dimension, coder, status) covers the hit; "
        "uncoded: none does.",
    },
    "r_questions": {"zh": "包括访谈者提问", "en": "Interviewer's questions"},
    "r_questions_help": {
        "zh": "访谈者（问、访谈者、主持人）的话也查找，并标明是提问。",
        "en": "Search the interviewer's lines (问, 访谈者, 主持人) too, marked as questions.",
    },
    "r_no_text": {
        "zh": "未输入查找词：列出符合条件的已编码段落；选“未编码”可列出尚未编码的句子。",
        "en": "No search text: the coded passages the filters keep are listed; choose “Uncoded” to list the "
        "sentences not coded yet.",
    },
    "r_count": {
        "zh": "共 {n} 条（已编码 {coded}，未编码 {uncoded}）",
        "en": "{n} hits ({coded} coded, {uncoded} uncoded)",
    },
    "r_count_one": {
        "zh": "共 {n} 条（已编码 {coded}，未编码 {uncoded}）",
        "en": "{n} hit ({coded} coded, {uncoded} uncoded)",
    },
    "r_words": {"zh": "按词查找：{words}", "en": "Words looked for: {words}"},
    "r_words_joined": {"zh": "、", "en": ", "},
    "r_page": {"zh": "页码（共 {pages} 页）", "en": "Page (of {pages})"},
    "r_question": {"zh": "{speaker}（访谈者提问）", "en": "{speaker} (interviewer's question)"},
    "r_code_label": {"zh": "{name}（{id}）", "en": "{name} ({id})"},
    "r_coding": {"zh": "{code}（{status}，{coder}）", "en": "{code} ({status}, {coder})"},
    "r_codings_joined": {"zh": "；", "en": "; "},
    "r_mark_open": {"zh": "【", "en": "⟦"},  # around what the search found in a hit
    "r_mark_close": {"zh": "】", "en": "⟧"},
    "r_coded_as": {"zh": "已编码：{codings}", "en": "coded: {codings}"},
    "r_uncoded": {"zh": "未编码", "en": "uncoded"},
    "r_downloads": {
        "zh": "下载全部结果：每条按引文导出格式标注出处，屏蔽列表中的姓名已隐去。",
        "en": "Download every hit, cited as the quote export cites it, with the names on the mask list hidden.",
    },
}
