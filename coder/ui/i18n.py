"""Interface strings: Chinese first, English as a switch."""

from __future__ import annotations

import streamlit as st

LANGUAGES = {"zh": "中文", "en": "English"}

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"zh": "qcoder 质性案例编码", "en": "qcoder qualitative case coding"},
    "sources": {"zh": "语料", "en": "Corpus"},
    "upload": {"zh": "上传文件", "en": "Upload files"},
    "upload_files": {
        "zh": "访谈、政策文本或媒体报道（.txt .md .docx，可多选）",
        "en": "Interviews, policy texts or media reports (.txt .md .docx, several at once)",
    },
    "import": {"zh": "导入", "en": "Import"},
    "tag": {"zh": "为新来源生成编码建议", "en": "Suggest codes for new sources"},
    "tagged": {
        "zh": "已处理 {sources} 个来源：新增建议 {added} 条，替换旧建议 {removed} 条",
        "en": "{sources} sources tagged: {added} suggestions added, {removed} replaced",
    },
    "edit_metadata": {"zh": "编辑元数据（正文不可修改）", "en": "Edit metadata (the text never changes)"},
    "show_names": {
        "zh": "显示受访者真实姓名（仅限项目所有者）",
        "en": "Show the interviewee's real name (project owner only)",
    },
    "save": {"zh": "保存", "en": "Save"},
    "saved": {"zh": "已保存", "en": "Saved"},
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
    "source_codings": {"zh": "本来源的编码（已接受与手工）", "en": "Codings of this source (accepted and manual)"},
    "delete": {"zh": "删除", "en": "Delete"},
    "move_here": {"zh": "移到所选文字", "en": "Move to the selection"},
    "retrieve": {"zh": "检索", "en": "Retrieve"},
    "overview": {"zh": "概览", "en": "Overview"},
    "codebook": {"zh": "编码簿", "en": "Codebook"},
    "definition": {"zh": "定义", "en": "Definition"},
    "when_to_use": {"zh": "何时使用", "en": "When to use"},
    "when_not_to_use": {"zh": "何时不用", "en": "When not to use"},
    "example": {"zh": "示例", "en": "Example"},
    "keywords": {"zh": "关键词", "en": "Keywords"},
    "exclude": {"zh": "排除词", "en": "Exclusion terms"},
    "propose": {"zh": "从已接受的编码中提议关键词", "en": "Propose keywords from accepted codings"},
    "edit_codebook": {"zh": "编辑 codebook.yaml", "en": "Edit codebook.yaml"},
    "save_codebook": {"zh": "校验并保存", "en": "Validate and save"},
    "codebook_saved": {"zh": "编码簿已保存并同步", "en": "Codebook saved and synced"},
    "progress": {"zh": "编码进度", "en": "Coding progress"},
    "frequencies": {"zh": "各代码的编码次数", "en": "Codings per code"},
    "with_suggestions": {"zh": "计入未审的建议", "en": "Count unreviewed suggestions"},
    "col_suggested": {"zh": "待审建议", "en": "To review"},
    "col_reviewed": {"zh": "已审", "en": "Reviewed"},
    "col_manual": {"zh": "手工编码", "en": "Manual"},
    "col_source": {"zh": "来源", "en": "Source"},
    "col_count": {"zh": "次数", "en": "Count"},
    "dimension": {"zh": "维度", "en": "Dimension"},
    "kind": {"zh": "来源类型", "en": "Kind of source"},
    "role": {"zh": "受访者身份", "en": "Participant role"},
    "status": {"zh": "状态", "en": "Status"},
    "coders": {"zh": "编码者", "en": "Coders"},
    "status_accepted": {"zh": "已接受", "en": "accepted"},
    "status_manual": {"zh": "手工", "en": "manual"},
    "status_suggested": {"zh": "待审建议", "en": "suggested"},
    "status_rejected": {"zh": "已拒绝", "en": "rejected"},
    "search": {"zh": "在引文中查找（中文子串）", "en": "Find in quotes (Chinese substring)"},
    "results": {"zh": "共 {n} 条", "en": "{n} results"},
    "more_results": {"zh": "另有 {n} 条未显示，请缩小条件", "en": "{n} more not shown: narrow the filters"},
    "open_in_coding": {"zh": "在编码页打开", "en": "Open on the Coding page"},
}


def language() -> str:
    return st.session_state.get("language", "zh")


def t(key: str) -> str:
    return STRINGS[key][language()]
