"""Interface strings: Chinese first, English as a switch."""

from __future__ import annotations

import streamlit as st

LANGUAGES = {"zh": "中文", "en": "English"}

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"zh": "qcoder 质性案例编码", "en": "qcoder qualitative case coding"},
    "sources": {"zh": "来源", "en": "Sources"},
    "sources_caption": {
        "zh": "已导入的访谈记录、政策文本和媒体报道。",
        "en": "Imported interview records, policy texts and media reports.",
    },
    "kind_interview": {"zh": "访谈", "en": "Interview"},
    "kind_policy": {"zh": "政策文本", "en": "Policy text"},
    "kind_media": {"zh": "媒体报道", "en": "Media report"},
    "no_sources": {
        "zh": "还没有来源。运行 `qcoder import corpus` 导入文件。",
        "en": "No sources yet. Run `qcoder import corpus` to import files.",
    },
    "col_id": {"zh": "编号", "en": "ID"},
    "col_kind": {"zh": "类型", "en": "Kind"},
    "col_date": {"zh": "日期", "en": "Date"},
    "col_who": {"zh": "身份/发文/媒体", "en": "Role / issuer / outlet"},
    "col_title": {"zh": "标题", "en": "Title"},
    "col_characters": {"zh": "字数", "en": "Characters"},
    "col_codings": {"zh": "编码数", "en": "Codings"},
    "codebook_version": {"zh": "编码簿版本", "en": "Codebook version"},
    "coder": {"zh": "当前编码者", "en": "Current coder"},
    "db_error": {"zh": "无法打开项目数据库", "en": "Cannot open the project database"},
    "coding": {"zh": "编码", "en": "Coding"},
    "source": {"zh": "来源", "en": "Source"},
    "suggestions": {"zh": "待审建议", "en": "Suggestions to review"},
    "no_suggestions": {"zh": "这个来源没有待审的建议。", "en": "No suggestions to review in this source."},
    "accept": {"zh": "接受", "en": "Accept"},
    "reject": {"zh": "拒绝", "en": "Reject"},
    "accept_all": {"zh": "全部接受", "en": "Accept all"},
    "reject_all": {"zh": "全部拒绝", "en": "Reject all"},
    "recode": {"zh": "改为其他代码", "en": "Use another code"},
    "matched": {"zh": "匹配词", "en": "Matched terms"},
    "score": {"zh": "分数", "en": "Score"},
    "selected": {"zh": "选中的文字", "en": "Selected text"},
    "select_hint": {
        "zh": "用鼠标在左侧正文中选中一段文字，即可为它编码。",
        "en": "Select text with the mouse in the reading view to code it.",
    },
    "code": {"zh": "代码", "en": "Code"},
    "memo": {"zh": "备忘（可选）", "en": "Memo (optional)"},
    "code_it": {"zh": "编码所选文字", "en": "Code the selection"},
    "coded": {"zh": "已编码", "en": "Coded"},
    "decided": {"zh": "已处理", "en": "Done"},
    "retrieve": {"zh": "检索", "en": "Retrieve"},
    "dimension": {"zh": "维度", "en": "Dimension"},
    "kind": {"zh": "来源类型", "en": "Kind of source"},
    "role": {"zh": "受访者身份", "en": "Participant role"},
    "status": {"zh": "状态", "en": "Status"},
    "search": {"zh": "在引文中查找（中文子串）", "en": "Find in quotes (Chinese substring)"},
    "results": {"zh": "共 {n} 条", "en": "{n} results"},
    "more_results": {"zh": "另有 {n} 条未显示，请缩小条件", "en": "{n} more not shown: narrow the filters"},
    "open_in_coding": {"zh": "在编码页打开", "en": "Open on the Coding page"},
}


def language() -> str:
    return st.session_state.get("language", "zh")


def t(key: str) -> str:
    return STRINGS[key][language()]
