"""The Agreement page (coder.reliability, coder.consensus)."""

STRINGS: dict[str, dict[str, str]] = {
    # 一致性 Agreement
    "icr_title": {"zh": "一致性", "en": "Agreement"},
    "icr_coders": {"zh": "比较的编码者", "en": "Coders to compare"},
    "icr_unit": {"zh": "分析单位", "en": "Unit of analysis"},
    "icr_unit_sentence": {"zh": "句子", "en": "Sentence"},
    "icr_unit_turn": {"zh": "话轮", "en": "Speaker turn"},
    "icr_unit_character": {"zh": "字符", "en": "Character"},
    "icr_coded_only": {"zh": "只计入有人编码的文本", "en": "Coded text only"},
    "icr_coded_only_help": {
        "zh": "关闭时，所有编码者都未使用某代码的单位计为一致（未编码的文本也计入）；打开后只计入至少一位编码者编码过的单位。",
        "en": "Off: a unit no coder applied a code to counts as agreement on it (uncoded text counts). On: only "
        "units at least one coder coded are counted.",
    },
    "icr_need_two": {
        "zh": "至少需要两位有已接受或手工编码的编码者才能计算一致性。现有：{coders}",
        "en": "Agreement needs at least two coders with accepted or manual codings. Found: {coders}",
    },
    "icr_pick_two": {"zh": "请至少选择两位编码者。", "en": "Choose at least two coders."},
    "icr_sources": {"zh": "比较了 {n} 个来源：{sources}", "en": "{n} sources compared: {sources}"},
    "icr_table": {"zh": "各代码的一致性", "en": "Agreement per code"},
    "icr_col_code": {"zh": "代码", "en": "Code"},
    "icr_col_name": {"zh": "名称", "en": "Name"},
    "icr_col_units": {"zh": "单位数", "en": "Units"},
    "icr_col_characters": {"zh": "字符数", "en": "Characters"},
    "icr_col_agreement": {"zh": "一致率", "en": "Agreement"},
    "icr_col_coded_by": {"zh": "{coder} 使用", "en": "Applied by {coder}"},
    "icr_pooled": {"zh": "合计（全部代码合并）", "en": "Pooled (all codes)"},
    "icr_blank": {
        "zh": "空白表示无法计算：κ 和 α 在只出现一种取值时（如某代码谁都没有用在这些单位上；AC1 此时等于一致率），"
        "或编码者多于两位时的 Cohen's κ。",
        "en": "Blank: undefined — κ and α when only one value occurs (AC1 is then the percent agreement), or "
        "Cohen's κ with more than two coders.",
    },
    "icr_skip_unfinished": {"zh": "不计未完成的来源", "en": "Leave out unfinished sources"},
    "icr_skip_unfinished_help": {
        "zh": "{rule}，该来源即视为未完成；打开后不计这些来源（所有编码者在其中的编码都不计），重新计算，"
        "在其余来源中没有决定的编码者也不再比较。",
        "en": "A source is unfinished for a coder when {rule}. On: those sources are left out (every coder's codings "
        "there) and the figures recomputed; coders with no decisions in the rest are not compared.",
    },
    "icr_unfinished_hint": {
        "zh": "打开上方的“不计未完成的来源”，即可不计这些来源重新计算；各编码者的进度见下方“各来源的编码进度”。",
        "en": "Turn on “Leave out unfinished sources” above to recompute without them; each coder's progress is "
        "under “Coverage per source and coder” below.",
    },
    "icr_skipped": {
        "zh": "已不计尚未编码完成的来源（{n} 个）：{sources}",
        "en": "Unfinished sources left out ({n}): {sources}",
    },
    "icr_coverage": {"zh": "各来源的编码进度", "en": "Coverage per source and coder"},
    "icr_method": {"zh": "方法说明（可写入论文）", "en": "Methods sentence (for the paper)"},
    "icr_review": {"zh": "分歧审阅", "en": "Disagreements"},
    "icr_review_caption": {
        "zh": "逐一查看编码者有分歧的单位；“采纳为共识”会新建一条共识编码并关联各自的原始编码，原始编码保持不变，也不计入一致性。",
        "en": "Each unit where the coders differ; “accept as consensus” records a consensus coding linked to the "
        "original codings, which stay as they were and never count in agreement.",
    },
    "icr_review_sentences": {
        "zh": "以字符为单位时，分歧按句子列出。",
        "en": "With characters as the unit, disagreements are listed by sentence.",
    },
    "icr_no_disagreements": {"zh": "编码者之间没有分歧。", "en": "The coders do not disagree anywhere."},
    "icr_source_option": {"zh": "{source}（{n} 处分歧）", "en": "{source} ({n} disagreements)"},
    "icr_missing": {"zh": "未参与该来源的编码", "en": "Did not code this source"},
    "icr_none": {"zh": "（未使用任何代码）", "en": "(no codes)"},
    "icr_accept": {"zh": "采纳为共识：{code}", "en": "Accept as consensus: {code}"},
    "icr_settled": {"zh": "✓ 已有共识：{code}（编码 #{id}）", "en": "✓ Consensus recorded: {code} (coding #{id})"},
    "icr_resolved": {"zh": "已记录共识编码 #{id}", "en": "Consensus coding #{id} recorded"},
    "icr_read_only": {"zh": "只读成员不能记录共识。", "en": "Viewers cannot record a consensus."},
    "icr_more": {
        "zh": "只显示前 50 处分歧，另有 {n} 处",
        "en": "The first 50 disagreements are shown; {n} more",
    },
}
