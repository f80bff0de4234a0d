"""Interface strings: Chinese first, English as a switch."""

from __future__ import annotations

import streamlit as st

LANGUAGES = {"zh": "中文", "en": "English"}

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"zh": "qcoder 质性案例编码", "en": "qcoder qualitative case coding"},
    "sources": {"zh": "语料", "en": "Corpus"},
    "upload": {"zh": "上传文件", "en": "Upload files"},
    "upload_files": {
        "zh": "访谈、政策文本或媒体报道（.txt .md .docx .pdf .html，可多选）",
        "en": "Interviews, policy texts or media reports (.txt .md .docx .pdf .html, several at once)",
    },
    "upload_help": {
        "zh": "**记录编号**：访谈为 日期+受访者姓名拼音首字母（`20240115MJQ`），政策、媒体为 日期-P/M+序号（`20220401-P05`）；"
        "文件名以编号开头即可（`20240115MJQ_街道办.docx`）。  \n**没有编号时** qcoder 按元数据生成，导入前在下表中显示、可修改："
        "在 .txt/.md/.docx 开头写 `---` `kind: interview` `date: 2024-01-15` `interviewee: 马继强` `---`"
        "（政策、媒体只需日期，也可取自文件名、正文或文件属性）。",
        "en": "**Record IDs**: interviews are date + the interviewee's pinyin initials (`20240115MJQ`), policy and media "
        "texts date-P/M + a number (`20220401-P05`); a file name that starts with its ID is enough "
        "(`20240115MJQ_街道办.docx`).  \n**Without an ID** qcoder makes one from the metadata, shown (and editable) in "
        "the table before importing: start a .txt/.md/.docx with `---` `kind: interview` `date: 2024-01-15` "
        "`interviewee: 马继强` `---` (policy and media texts need only a date, also taken from the file name, the "
        "text or the file's properties).",
    },
    "upload_kind": {"zh": "默认类型（可在表中逐个修改）", "en": "Default kind (change it per file in the table)"},
    "upload_col_file": {"zh": "文件", "en": "File"},
    "upload_col_kind": {"zh": "类型", "en": "Kind"},
    "upload_col_id": {"zh": "将使用的编号", "en": "ID it will get"},
    "upload_col_note": {"zh": "说明", "en": "Note"},
    "upload_id_help": {
        "zh": "qcoder 生成的编号可以改写；文件自带的编号请改文件名或元数据",
        "en": "An ID qcoder made may be typed over; a file's own ID is changed in its name or front matter",
    },
    "upload_already": {
        "zh": "已在项目中（{id}），不会再保存或导入",
        "en": "Already in the project ({id}): not kept or imported again",
    },
    "upload_declared": {"zh": "文件自带编号", "en": "The file carries its ID"},
    "upload_imported": {"zh": "已导入：{id} ← {name}", "en": "Imported: {id} ← {name}"},
    "upload_unchanged": {
        "zh": "已在项目中，未变：{id} ← {name}",
        "en": "Already in the project, unchanged: {id} ← {name}",
    },
    "id_maker": {"zh": "编号生成器", "en": "ID maker"},
    "id_maker_name": {
        "zh": "受访者姓名（仅用于首字母，不保存）",
        "en": "Interviewee's name (for the initials only, not kept)",
    },
    "id_maker_name_help": {
        "zh": "复姓（欧阳、司马…）与姓氏读音（单 Shan、曾 Zeng…）按规则处理，有歧义时会提示",
        "en": "Compound surnames (欧阳, 司马 …) and surname readings (单 Shan, 曾 Zeng …) follow the rules; "
        "ambiguities are pointed out",
    },
    "id_maker_make": {"zh": "生成编号", "en": "Make the ID"},
    "id_maker_needs": {
        "zh": "请填写日期（访谈还需姓名）",
        "en": "Give a date (and, for an interview, the name)",
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
    "code": {"zh": "代码", "en": "Code"},
    "memo": {"zh": "备忘（可选）", "en": "Memo (optional)"},
    "code_it": {"zh": "编码所选文字", "en": "Code the selection"},
    "source_codings": {"zh": "本来源的编码（已接受与手工）", "en": "Codings of this source (accepted and manual)"},
    "delete": {"zh": "删除", "en": "Delete"},
    "move_here": {"zh": "移到所选文字", "en": "Move to the selection"},
    # Suggestions that learn (coder.priors, coder.training)
    "uncertain_first": {"zh": "最不确定的建议优先", "en": "Most uncertain first"},
    "uncertain_first_help": {
        "zh": "分数最接近建议门槛的排在前面（差一点就不会被提出的建议）：在这些建议上的决定最能帮助模型学习",
        "en": "Scores nearest the suggestion threshold first (the ones nearly not made): decisions there teach most",
    },
    "training_started": {
        "zh": "已积累足够的新决定，建议模型正在后台重新训练。",
        "en": "Enough new decisions: the suggestion model is retraining in the background.",
    },
    "learned_weights": {"zh": "从审阅决定中学到的关键词权重", "en": "Keyword weights learned from decisions"},
    "term_history": {
        "zh": "“{term}”在此代码下被拒绝 {rejected}/{total} 次（权重 {base:.2f} → {weight:.2f}）",
        "en": "“{term}” was rejected {rejected} of {total} times for this code (weight {base:.2f} → {weight:.2f})",
    },
    "learning": {"zh": "会学习的建议", "en": "Suggestions that learn"},
    "learning_caption": {
        "zh": "每次接受、拒绝或手动编码都是一个标签：关键词权重随之调整，训练的模型（spaCy，仅在本机）"
        "可与关键词组合给出建议。在留出的金标准上组合方式未胜过仅用关键词时，默认仍用关键词。",
        "en": "Every accept, reject and manual coding is a label: keyword weights follow them, and a trained "
        "model (spaCy, on this machine only) can join the keywords. Keywords alone stay the default unless "
        "the combination beats them on held-out gold.",
    },
    "suggester_mode": {"zh": "标注使用", "en": "Tagging uses"},
    "mode_keywords": {"zh": "仅关键词", "en": "Keywords only"},
    "mode_combined": {"zh": "关键词 + 训练模型", "en": "Keywords + trained model"},
    "model_none": {"zh": "还没有训练过模型。", "en": "No model trained yet."},
    "model_state": {
        "zh": "模型 {version}：{trained_at} 用 {units} 个句子训练（正例 {positives}，反例 {negatives}），{seconds} 秒",
        "en": "Model {version}: trained {trained_at} on {units} sentences ({positives} positive, {negatives} "
        "negative labels) in {seconds} s",
    },
    "train_now": {"zh": "在后台训练新模型", "en": "Train a new model in the background"},
    "training_failed": {"zh": "上次训练未成功：{reason}", "en": "The last training did not succeed: {reason}"},
    "training_running": {"zh": "正在后台训练……", "en": "Training in the background…"},
    "auto_retrain": {
        "zh": "积累足够的新决定后自动在后台重新训练并重新标注",
        "en": "Retrain and re-tag in the background after enough new decisions",
    },
    "auto_retrain_help": {
        "zh": "关闭后建议只在有人要求时变化（“在后台训练新模型”或 qcoder train --retag）；"
        "打开中的来源在任何情况下都不会被重新标注改动。",
        "en": "Off: suggestions change only when someone asks (“Train a new model in the background” or "
        "qcoder train --retag); a source open in a browser is never changed by a re-tag either way.",
    },
    "retag_notice_ok": {"zh": "知道了", "en": "Got it"},
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
    "codebook_packaged": {
        "zh": "这里显示的是随 qcoder 附带的默认编码簿；保存后写入本项目的 {path}",
        "en": "This is the default codebook that comes with qcoder; saving writes it to this project's {path}",
    },
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
    "wb_done_accept": {"zh": "已接受", "en": "Accepted"},
    "wb_done_reject": {"zh": "已拒绝", "en": "Rejected"},
    "wb_done_recode": {"zh": "已改为其他编码并接受", "en": "Accepted under another code"},
    "wb_done_accept_all": {"zh": "已全部接受", "en": "All accepted"},
    "wb_done_reject_all": {"zh": "已全部拒绝", "en": "All rejected"},
    "wb_done_code": {"zh": "已编码", "en": "Coded"},
    "wb_done_new_code": {"zh": "已新建编码并编码", "en": "New code created and applied"},
    "wb_done_delete": {"zh": "已删除编码", "en": "Coding deleted"},
    "wb_done_move": {"zh": "已移动编码", "en": "Coding moved"},
    "wb_done_undo": {"zh": "已撤销", "en": "Undone"},
    "wb_done_source_memo": {"zh": "备忘已保存", "en": "Memo saved"},
    "status_accepted": {"zh": "已接受", "en": "accepted"},
    "status_manual": {"zh": "手工", "en": "manual"},
    "status_suggested": {"zh": "待审建议", "en": "suggested"},
    "status_rejected": {"zh": "已拒绝", "en": "rejected"},
    "search": {"zh": "在引文中查找（中文子串）", "en": "Find in quotes (Chinese substring)"},
    "results": {"zh": "共 {n} 条", "en": "{n} results"},
    "more_results": {"zh": "另有 {n} 条未显示，请缩小条件", "en": "{n} more not shown: narrow the filters"},
    "open_in_coding": {"zh": "在编码页打开", "en": "Open on the Coding page"},
    "col_code": {"zh": "代码", "en": "Code"},
    "triangulation": {"zh": "三角验证", "en": "Triangulation"},
    "tri_min_kinds": {"zh": "已佐证所需的来源类型数", "en": "Kinds of source to corroborate"},
    "tri_min_kinds_help": {
        "zh": "至少几类来源（访谈 / 政策文本 / 媒体报道）有独立证据，才算已佐证",
        "en": "How many kinds of source (interview / policy / media) need independent evidence",
    },
    "tri_rule": {
        "zh": "只计已接受和手工编码。{n} 类及以上来源有独立证据且无事实矛盾：已佐证；同一受访者的多次访谈算一份，"
        "转述其他来源的报道按原始来源计。",
        "en": "Only accepted and manual codings count. Independent evidence from {n} or more kinds and no "
        "conflicting facts: corroborated. Several interviews with one person count once; a report retelling "
        "another source counts as that source.",
    },
    "tri_meaning_corroborated": {"zh": "{n} 类及以上来源", "en": "{n} or more kinds"},
    "tri_meaning_partial": {"zh": "多于一类、少于 {n} 类", "en": "more than one kind, fewer than {n}"},
    "tri_meaning_single-source": {"zh": "只有一类来源", "en": "one kind only"},
    "tri_meaning_contested": {"zh": "同一事实数值不一", "en": "a fact stated with different values"},
    "tri_meaning_no-evidence": {"zh": "尚无接受或手工编码", "en": "nothing accepted or coded yet"},
    "tri_all": {"zh": "全部", "en": "All"},
    "colon": {"zh": "：", "en": ": "},
    "tri_heatmap": {"zh": "各代码的证据分布", "en": "Evidence per code and kind of source"},
    "tri_no_rows": {"zh": "没有符合筛选条件的代码。", "en": "No code matches the filters."},
    "tri_evidence_count": {"zh": "证据数", "en": "Evidence"},
    "tri_independent": {"zh": "独立来源数", "en": "Independent sources"},
    "tri_status_corroborated": {"zh": "已佐证", "en": "corroborated"},
    "tri_status_partial": {"zh": "部分佐证", "en": "partly corroborated"},
    "tri_status_single-source": {"zh": "单一来源", "en": "single source"},
    "tri_status_contested": {"zh": "存在矛盾", "en": "contested"},
    "tri_status_no-evidence": {"zh": "无证据", "en": "no evidence"},
    "tri_flag_single_informant": {"zh": "访谈证据仅来自一位受访者", "en": "all interview evidence from one person"},
    "tri_flag_derived_counted_with_origin": {
        "zh": "转述来源并入原始来源计数",
        "en": "derived sources counted with their origin",
    },
    "tri_flag_fact_disputed_elsewhere": {
        "zh": "所涉事实在其他证据中存在矛盾",
        "en": "a fact it states is disputed elsewhere",
    },
    "tri_cell_code": {"zh": "查看引文：代码", "en": "Show quotes for code"},
    "tri_pick_cell": {
        "zh": "点击热力图中的格子，或在这里选择代码和来源类型，查看引文。",
        "en": "Click a cell of the heatmap, or choose a code and kind here, to see its quotes.",
    },
    "tri_cell_counts": {
        "zh": "证据 {n} 条 · 独立来源 {independent} 个 · 文件 {docs} 份",
        "en": "{n} pieces of evidence · {independent} independent sources · {docs} documents",
    },
    "tri_no_evidence_here": {
        "zh": "这类来源中还没有这个代码的证据。",
        "en": "No evidence for this code in this kind of source yet.",
    },
    "tri_strongest": {"zh": "最有力的引文", "en": "Strongest quote"},
    "tri_other_evidence": {"zh": "其他证据", "en": "Other evidence"},
    "tri_status_table": {"zh": "各代码的验证状态", "en": "Status of each code"},
    "tri_col_name": {"zh": "名称", "en": "Name"},
    "tri_col_interviewees": {"zh": "受访者数", "en": "Interviewees"},
    "tri_col_documents": {"zh": "文件数", "en": "Documents"},
    "tri_col_flags": {"zh": "提示", "en": "Flags"},
    "tri_conflicts": {"zh": "事实矛盾", "en": "Conflicting facts"},
    "tri_no_conflicts": {
        "zh": "没有发现同一事实在不同来源中说法不一。",
        "en": "No fact is stated with different values in different sources.",
    },
    "tri_consistent": {"zh": "一致的事实", "en": "Consistent facts"},
    "tri_fact": {"zh": "事实", "en": "Fact"},
    "tri_measured": {"zh": "计量：{quantity}", "en": "measures: {quantity}"},
    "tri_measured_of": {"zh": "计量：{quantity}（{subject}）", "en": "measures: {quantity} ({subject})"},
    "tri_measure_ratio": {"zh": "比例", "en": "ratio"},
    "tri_measure_percent": {"zh": "百分比", "en": "percentage"},
    "tri_measure_amount": {"zh": "金额（元）", "en": "amount (yuan)"},
    "tri_measure_date": {"zh": "日期", "en": "date"},
    "tri_measure_count": {"zh": "数量（{unit}）", "en": "count ({unit})"},
    "tri_claims": {"zh": "论断", "en": "Claims"},
    "tri_no_claims": {"zh": "还没有论断。", "en": "No claims yet."},
    "tri_add_claim": {"zh": "添加论断", "en": "Add a claim"},
    "tri_claim_text": {"zh": "论断（用自己的话写下发现）", "en": "Claim (the finding in your words)"},
    "tri_choose_codes": {"zh": "选择支持它的代码", "en": "Choose the codes that support it"},
    "tri_claim_codings": {
        "zh": "支持它的编码记录编号（可选，用逗号分隔）",
        "en": "IDs of codings that support it (optional, comma-separated)",
    },
    "tri_bad_codings": {
        "zh": "编码记录编号只能是用逗号分隔的整数，例如 12, 15",
        "en": "Coding IDs must be whole numbers separated by commas, e.g. 12, 15",
    },
    "tri_claim_added": {"zh": "论断已添加", "en": "Claim added"},
    "tri_claim_deleted": {"zh": "论断已删除", "en": "Claim deleted"},
    "tri_fieldwork": {"zh": "田野调查期", "en": "Fieldwork window"},
    "tri_not_set": {"zh": "未设置", "en": "not set"},
    "tri_fieldwork_help": {
        "zh": "访谈日期不在这段时间内的，会在警告中列出。",
        "en": "Interviews dated outside this window are listed among the warnings.",
    },
    "tri_start": {"zh": "开始日期", "en": "Start"},
    "tri_end": {"zh": "结束日期", "en": "End"},
    "tri_clear": {"zh": "清除", "en": "Clear"},
    "tri_cleared": {"zh": "已清除", "en": "Cleared"},
    "tri_warnings": {"zh": "警告", "en": "Warnings"},
    "tri_no_warnings": {"zh": "没有警告。", "en": "No warnings."},
    "tri_report": {"zh": "下载三角验证报告", "en": "Download the triangulation report"},
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
    "login": {"zh": "登录", "en": "Log in"},
    "login_caption": {
        "zh": "这是团队项目：请用项目所有者为你建立的账号登录。",
        "en": "This is a team project: log in with the account the project's owner made for you.",
    },
    "login_name": {"zh": "用户名", "en": "Name"},
    "login_password": {"zh": "密码", "en": "Password"},
    "logout": {"zh": "退出登录", "en": "Log out"},
    "role_owner": {"zh": "项目所有者", "en": "owner"},
    "role_coder": {"zh": "编码员", "en": "coder"},
    "role_viewer": {"zh": "只读成员", "en": "viewer"},
    "read_only": {"zh": "只读：你的角色不能修改数据。", "en": "Read only: your role cannot change data."},
    "team": {"zh": "团队", "en": "Team"},
    "team_on": {
        "zh": "团队模式已开启：每位成员登录后按角色操作。",
        "en": "Team mode is on: everyone logs in and acts by role.",
    },
    "team_off": {
        "zh": "单机模式：无需登录。用 qcoder team on 开启团队模式（PostgreSQL 项目始终开启）。",
        "en": "Single-user mode: no login. Switch team mode on with qcoder team on (always on for PostgreSQL).",
    },
    "team_people": {"zh": "成员", "en": "People"},
    "team_role": {"zh": "角色", "en": "Role"},
    "team_active": {"zh": "可登录", "en": "May log in"},
    "team_add": {"zh": "添加成员", "en": "Add a person"},
    "team_added": {"zh": "已添加 {name}", "en": "{name} added"},
    "team_change": {"zh": "修改角色或停用", "en": "Change a role or disable a login"},
    "team_rounds": {"zh": "一致性轮次（盲编码）", "en": "Agreement rounds (blind coding)"},
    "team_rounds_caption": {
        "zh": "轮次进行中，其中来源上的每位成员只看到自己的编码和系统建议；结束后彼此可见，可计算一致性。",
        "en": "While a round is open, everyone sees only their own codings and the suggestions on its sources; "
        "close it to compare and compute agreement.",
    },
    "team_round_open": {"zh": "进行中", "en": "open"},
    "team_round_closed": {"zh": "已结束", "en": "closed"},
    "team_round_opened": {"zh": "轮次已开启", "en": "Round opened"},
    "team_round_name": {"zh": "轮次名称", "en": "Name of the round"},
    "team_open_round": {"zh": "开启轮次", "en": "Open a round"},
    "team_close_round": {"zh": "结束轮次", "en": "Close the round"},
    "team_locks": {"zh": "登录失败与锁定", "en": "Failed logins and locks"},
    "team_locks_caption": {
        "zh": "失败 {free} 次后，该用户名或地址每次失败都会被锁定，时长加倍（最长 {limit} 分钟）；成功登录清零该用户名"
        "（不清零地址），解除清零两者，最后一次失败一天后自动清零。",
        "en": "After {free} failures, each failure locks the name or address for twice as long (up to {limit} min); "
        "a successful login clears its name (not its address), an unlock clears either, and a day after the last "
        "failure the count starts again.",
    },
    "team_lock_account": {"zh": "用户名", "en": "name"},
    "team_lock_unknown": {"zh": "（未知用户名）", "en": "(unknown name)"},
    "team_lock_client": {"zh": "地址", "en": "address"},
    "team_lock_failures": {"zh": "连续失败", "en": "failures in a row"},
    "team_locked_until": {"zh": "锁定至（UTC）", "en": "locked until (UTC)"},
    "team_unlock": {"zh": "解除", "en": "Unlock"},
    "team_unlocked": {"zh": "已解除 {who}", "en": "{who} unlocked"},
    "codebook_owner_only": {
        "zh": "编码簿只能由项目所有者修改。",
        "en": "Only the project's owner edits the codebook.",
    },
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
    # 日志 History
    "hist_title": {"zh": "日志", "en": "History"},
    "hist_caption": {
        "zh": "谁在何时改了什么，最新的在前。未被之后的更改覆盖的编码、备忘、论断、元数据和田野调查期的更改可以撤销；"
        "撤销本身也记入日志。",
        "en": "Who changed what and when, newest first. Changes to codings, memos, claims, metadata and the fieldwork "
        "window can be undone while nothing has changed them since; an undo is logged too.",
    },
    "hist_coder": {"zh": "编码者", "en": "Coder"},
    "hist_entity": {"zh": "对象", "en": "What"},
    "hist_all": {"zh": "全部", "en": "All"},
    "hist_limit": {"zh": "显示条数", "en": "Events shown"},
    "hist_empty": {"zh": "没有符合条件的更改。", "en": "No changes match."},
    "hist_col_time": {"zh": "时间", "en": "Time"},
    "hist_col_who": {"zh": "操作者", "en": "Who"},
    "hist_col_action": {"zh": "操作", "en": "Action"},
    "hist_col_what": {"zh": "对象", "en": "What"},
    "hist_col_summary": {"zh": "内容", "en": "Change"},
    "hist_col_undo": {"zh": "撤销", "en": "Undo"},
    "hist_undo": {"zh": "撤销", "en": "Undo"},
    "hist_done": {"zh": "已撤销事件 #{id}", "en": "Event #{id} undone"},
    "hist_undone_by": {"zh": "已由 #{id} 撤销", "en": "undone by #{id}"},
    "hist_entity_coding": {"zh": "编码", "en": "Coding"},
    "hist_entity_memo": {"zh": "备忘", "en": "Memo"},
    "hist_entity_claim": {"zh": "论断", "en": "Claim"},
    "hist_entity_source": {"zh": "来源", "en": "Source"},
    "hist_entity_code": {"zh": "代码", "en": "Code"},
    "hist_entity_setting": {"zh": "设置", "en": "Setting"},
    "hist_entity_suggestions": {"zh": "建议", "en": "Suggestions"},
    "hist_entity_consensus_link": {"zh": "共识关联", "en": "Consensus link"},
    "hist_entity_user": {"zh": "成员", "en": "Person"},
    "hist_entity_round": {"zh": "轮次", "en": "Round"},
    "hist_action_create": {"zh": "新建", "en": "Created"},
    "hist_action_update": {"zh": "修改", "en": "Changed"},
    "hist_action_delete": {"zh": "删除", "en": "Deleted"},
    "hist_action_accept": {"zh": "接受", "en": "Accepted"},
    "hist_action_reject": {"zh": "拒绝", "en": "Rejected"},
    "hist_action_recode": {"zh": "改码", "en": "Recoded"},
    "hist_action_rename": {"zh": "改名", "en": "Renamed"},
    "hist_action_import": {"zh": "导入", "en": "Imported"},
    "hist_action_tag": {"zh": "生成建议", "en": "Tagged"},
    "hist_action_retag": {"zh": "重新标注", "en": "Re-tagged"},
    "hist_not_undoable": {"zh": "不可撤销", "en": "Not undoable"},
    "hist_action_undo": {"zh": "撤销", "en": "Undo"},
    "hist_action_open": {"zh": "开启", "en": "Opened"},
    "hist_action_close": {"zh": "结束", "en": "Closed"},
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
    "an_tl_period": {"zh": "时间", "en": "Period"},
    "an_tl_code": {"zh": "按来源类型查看的代码", "en": "Code to show by kind of source"},
    "an_tl_all_codes": {"zh": "所有代码合计", "en": "All codes together"},
    "an_wd_code": {"zh": "代码（含下级代码）", "en": "Code (with its sub-codes)"},
    "an_wd_whole_text": {"zh": "不选：统计来源全文", "en": "None: the sources' whole text"},
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


def language() -> str:
    return st.session_state.get("language", "zh")


def t(key: str) -> str:
    return STRINGS[key][language()]


def message(error: Exception) -> str:
    """A QcoderError in the interface language (it carries both); anything else as it is."""
    zh, en = getattr(error, "zh", None), getattr(error, "en", None)
    return (en if language() == "en" else zh) or str(error)
