"""The mask list on the Export page (coder.ui.mask_review; see coder.masking)."""

STRINGS: dict[str, dict[str, str]] = {
    # The mask list on the Export page (coder.ui.mask_review; see coder.masking)
    "mask_heading": {"zh": "屏蔽名单", "en": "Names in exports"},
    "mask_caption": {
        "zh": "名单上的人名、地名、机构名在所有导出文件、报告和分析展示中以替代词隐去；存储的原文不变。"
        "受访者按其访谈记录编号的首字母隐去，无需另列。",
        "en": "The people, places and organisations on this list are replaced in every exported file, report and "
        "analysis display; the stored text never changes. Interviewees are hidden by their initials without an "
        "entry of their own.",
    },
    "mask_owner_only": {
        "zh": "只有项目所有者可以修改屏蔽名单，这里仅供查看。",
        "en": "Only the project owner can change the mask list; here it is shown read-only.",
    },
    "mask_candidates": {
        "zh": "待审候选：来源中可能的人名地名",
        "en": "Candidates to review: names the sources may hold",
    },
    "mask_candidates_caption": {
        "zh": "按出现次数排列。候选不会自动屏蔽：确认后才加入名单，排除后不再提出。",
        "en": "Most frequent first. Candidates are never masked unconfirmed: confirm one to list it, dismiss one "
        "and it is not proposed again.",
    },
    "mask_finding": {"zh": "正在所有来源中查找候选……", "en": "Looking for candidates in every source …"},
    "mask_no_candidates": {"zh": "没有待审的候选。", "en": "No candidates left to review."},
    "mask_candidate_count": {"zh": "共 {n} 个待审候选", "en": "{n} candidates to review"},
    "mask_shown": {"zh": "第 {first}–{last} 个，共 {n} 个", "en": "{first}–{last} of {n}"},
    "mask_seen": {"zh": "出现 {count} 次 · {sources} 个来源", "en": "{count} times · {sources} sources"},
    "mask_replacement": {"zh": "替代为", "en": "Replace with"},
    "mask_proposed": {"zh": "建议替代为：{replacement}", "en": "Proposed replacement: {replacement}"},
    "mask_confirm": {"zh": "确认屏蔽", "en": "Mask"},
    "mask_dismiss": {"zh": "不是人名地名", "en": "Not a name"},
    "mask_confirmed": {
        "zh": "已屏蔽：{mention} → {replacement} · 还有 {n} 个待审",
        "en": "Masked: {mention} → {replacement} · {n} left to review",
    },
    "mask_dismissed_one": {
        "zh": "已排除：{mention}（不再提出）· 还有 {n} 个待审",
        "en": "Dismissed: {mention} (not proposed again) · {n} left to review",
    },
    "mask_list": {"zh": "已确认的屏蔽名单", "en": "The mask list"},
    "mask_list_empty": {"zh": "名单上还没有条目。", "en": "Nothing is on the list yet."},
    "mask_col_mention": {"zh": "名称", "en": "Name"},
    "mask_col_replacement": {"zh": "替代为", "en": "Replaced by"},
    "mask_col_kind": {"zh": "类型", "en": "Kind"},
    "mask_col_origin": {"zh": "来由", "en": "From"},
    "mask_kind_person": {"zh": "人物", "en": "Person"},
    "mask_kind_place": {"zh": "地点", "en": "Place"},
    "mask_kind_org": {"zh": "机构", "en": "Organisation"},
    "mask_origin_manual": {"zh": "研究者确认", "en": "Confirmed by a researcher"},
    "mask_origin_suggested": {"zh": "候选", "en": "Candidate"},
    "mask_origin_participant": {"zh": "受访者（取自访谈记录）", "en": "Interviewee (from the records)"},
    "mask_interviewee": {"zh": "受访者 {initials}（姓名不显示）", "en": "Interviewee {initials} (name not shown)"},
    "mask_remove": {"zh": "移出", "en": "Remove"},
    "mask_removed": {
        "zh": "已移出屏蔽名单：{mention}（导出中不再隐去）",
        "en": "Removed from the mask list: {mention} (no longer hidden in exports)",
    },
    "mask_dismissed": {"zh": "已排除的候选（{n} 个）", "en": "Dismissed candidates ({n})"},
    "mask_restore": {"zh": "重新提出", "en": "Propose again"},
    "mask_restored": {"zh": "“{mention}”将重新作为候选提出", "en": "{mention} will be proposed again"},
    "mask_add": {"zh": "手动添加", "en": "Add by hand"},
    "mask_add_mention": {"zh": "名称", "en": "Name"},
    "mask_add_mention_help": {
        "zh": "2–40 个字符，如 石桥镇、陈老师；受访者的姓名无需添加",
        "en": "2–40 characters, such as 石桥镇 or 陈老师; interviewees' names need no entry",
    },
    "mask_add_replacement": {"zh": "替代为（可留空，按规则生成）", "en": "Replace with (empty: made by the rules)"},
    "mask_add_replace": {"zh": "已在名单上时改用新的替代词", "en": "Change the replacement if it is listed already"},
    "mask_add_button": {"zh": "加入屏蔽名单", "en": "Add to the list"},
    "mask_added": {
        "zh": "已加入屏蔽名单：{mention} → {replacement}",
        "en": "Added to the mask list: {mention} → {replacement}",
    },
}
