"""Memos on sources, codes and codings, wherever a page shows them (coder.memos)."""

STRINGS: dict[str, dict[str, str]] = {
    # Memos on sources and codes (Retrieve, Codebook; see coder.memos)
    "memos_heading": {"zh": "备忘", "en": "Memos"},
    "memos_caption": {
        "zh": "上面条件所选内容的备忘（来源、代码和编码上的备忘），按同一查找词筛选内容。",
        "en": "Memos on what the filters select (on sources, codes and codings), filtered by the same search text.",
    },
    "memo_count": {"zh": "共 {n} 条备忘", "en": "{n} memos"},
    "memo_more": {"zh": "另有 {n} 条备忘未显示，请缩小条件", "en": "{n} more memos not shown: narrow the filters"},
    "memo_none": {"zh": "没有相符的备忘", "en": "No memos match"},
    "memo_on_source": {"zh": "来源 {source}", "en": "Source {source}"},
    "memo_on_code": {"zh": "代码 {code}", "en": "Code {code}"},
    "memo_on_coding": {"zh": "编码 #{coding}（{source} · {code}）", "en": "Coding #{coding} ({source} · {code})"},
    "memo_on_project": {"zh": "项目", "en": "Project"},
    "code_memos": {"zh": "代码备忘", "en": "Code memos"},
    "code_memos_caption": {
        "zh": "研究者对某个代码的想法：定义的疑问、与其他代码的关系、写作思路。导出引文时随该代码一起导出。",
        "en": "A researcher's thoughts on a code: doubts about its definition, links to other codes, ideas for the "
        "paper. They go with the code's quotes when exported.",
    },
    "memo_code_none": {"zh": "此代码还没有备忘", "en": "No memos on this code yet"},
    "memo_new": {"zh": "新备忘", "en": "New memo"},
    "memo_add": {"zh": "添加备忘", "en": "Add memo"},
    "memo_added": {"zh": "备忘已保存", "en": "Memo saved"},
    "memo_deleted": {"zh": "备忘已删除", "en": "Memo deleted"},
}
