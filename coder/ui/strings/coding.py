"""The Coding page's workbench (coder/ui/workbench)."""

STRINGS: dict[str, dict[str, str]] = {
    # The Coding workbench (coder/ui/workbench)
    "wb_evidence": {"zh": "证据（已接受或手工编码）", "en": "evidence (accepted or manual)"},
    "wb_pending": {"zh": "待审建议", "en": "suggestion to review"},
    "wb_undo": {"zh": "撤销", "en": "Undo"},
    "wb_nothing_to_undo": {"zh": "本来源还没有可撤销的操作", "en": "Nothing to undo in this source yet"},
    "wb_undo_owner_only": {"zh": "只有项目所有者可以撤销", "en": "Only the project's owner may undo"},
    "wb_source_memos": {"zh": "来源备忘", "en": "Source memos"},
    "wb_source_memo_hint": {"zh": "关于这个来源的备忘……", "en": "A memo on this source…"},
    "wb_save_memo": {"zh": "保存备忘", "en": "Save memo"},
    "wb_legend_key": {
        "zh": "图例：实心底色 = 证据（已接受或手工编码）；虚线下划线 = 待审建议；右侧色条 = 该行的编码（虚线为仅有建议）。点击图例可只看该编码的建议。",
        "en": "Key: filled = evidence (accepted or manual); dashed underline = suggestion to review; stripes on the "
        "right = the codes on that line (dashed: suggestions only). Click a code to list only its suggestions.",
    },
    "wb_read_only": {"zh": "你的角色只能阅读，不能编码。", "en": "Your role may read, not code."},
    "wb_keys": {
        "zh": "键盘：j / k 下一条 / 上一条建议，a 接受，r 拒绝，1–9 改为最近用过的编码，u 撤销；选中文字后 1–9 直接编码，Esc 关闭。",
        "en": "Keys: j / k next / previous suggestion, a accept, r reject, 1–9 recode to a recent code, u undo; "
        "after a selection 1–9 code it, Esc closes.",
    },
    "wb_filter_by_code": {
        "zh": "只看这个编码的建议（再点一次取消）",
        "en": "List only this code's suggestions (click again for all)",
    },
    "wb_in_text_order": {"zh": "按文中顺序", "en": "In text order"},
    "wb_saving": {"zh": "正在保存……", "en": "Saving…"},
    "wb_no_unit_here": {"zh": "这里没有句子或话轮", "en": "No sentence or turn here"},
    "wb_scope_selection": {"zh": "所选文字", "en": "Selection"},
    "wb_scope_sentence": {"zh": "整句", "en": "Sentence"},
    "wb_scope_turn": {"zh": "整个话轮", "en": "Speaker turn"},
    "wb_search_codes": {"zh": "搜索编码（名称、ID 或维度）", "en": "Search codes (name, ID or dimension)"},
    "wb_new_code_name": {"zh": "新编码名称", "en": "New code's name"},
    "wb_invivo": {"zh": "新建编码并编码", "en": "New code from it"},
    "wb_invivo_help": {
        "zh": "以所选词语为名新建编码（写入 codebook.yaml），并用它编码这段文字",
        "en": "Create a code named after the selected words (written to codebook.yaml) and code this passage with it",
    },
    "wb_codebook_owner_only": {
        "zh": "只有项目所有者可以修改编码簿",
        "en": "Only the project's owner may change the codebook",
    },
    "wb_done_accept": {"zh": "已接受：{code}", "en": "Accepted: {code}"},
    "wb_done_reject": {"zh": "已拒绝：{code}", "en": "Rejected: {code}"},
    "wb_done_recode": {"zh": "已改为“{code}”并接受", "en": "Accepted as {code}"},
    "wb_done_accept_all": {"zh": "已接受“{code}”的全部 {n} 条建议", "en": "Accepted all {n} suggestions of {code}"},
    "wb_done_reject_all": {"zh": "已拒绝“{code}”的全部 {n} 条建议", "en": "Rejected all {n} suggestions of {code}"},
    "wb_done_code": {"zh": "已编码为“{code}”", "en": "Coded as {code}"},
    "wb_done_new_code": {"zh": "已新建代码“{code}”并编码", "en": "New code {code} created and applied"},
    "wb_done_delete": {"zh": "已删除编码", "en": "Coding deleted"},
    "wb_done_move": {"zh": "已移动编码", "en": "Coding moved"},
    "wb_done_undo": {"zh": "已撤销", "en": "Undone"},
    "wb_done_source_memo": {"zh": "备忘已保存", "en": "Memo saved"},
    "wb_left": {"zh": " · 还有 {n} 条待审", "en": " · {n} left to review"},
    "wb_left_none": {"zh": " · 本来源的建议已全部审完", "en": " · every suggestion in this source is reviewed"},
    "wb_undo_what": {"zh": "撤销 #{id}：{what}", "en": "Undo #{id}: {what}"},
}
