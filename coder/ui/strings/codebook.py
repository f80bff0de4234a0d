"""The Codebook page and the suggestions that learn (coder.priors, coder.training), with the re-tag notice."""

STRINGS: dict[str, dict[str, str]] = {
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
        "zh": "“{term}”在此代码下的建议：接受 {accepted} 条、拒绝 {rejected} 条（权重 {base:.2f} → {weight:.2f}）",
        "en": "“{term}”: {accepted} accepted, {rejected} rejected for this code (weight {base:.2f} → {weight:.2f})",
    },
    "term_history_accepted": {
        "zh": "“{term}”在此代码下的建议：接受 {accepted} 条（权重 {base:.2f} → {weight:.2f}）",
        "en": "“{term}”: {accepted} accepted for this code (weight {base:.2f} → {weight:.2f})",
    },
    "term_history_rejected": {
        "zh": "“{term}”在此代码下的建议：拒绝 {rejected} 条（权重 {base:.2f} → {weight:.2f}）",
        "en": "“{term}”: {rejected} rejected for this code (weight {base:.2f} → {weight:.2f})",
    },
    "cb_col_term": {"zh": "词", "en": "Term"},
    "cb_col_accepted": {"zh": "接受", "en": "Accepted"},
    "cb_col_rejected": {"zh": "拒绝", "en": "Rejected"},
    "cb_col_base": {"zh": "编码簿中的权重", "en": "Codebook weight"},
    "cb_col_weight": {"zh": "现在的权重", "en": "Weight now"},
    "cb_col_score": {"zh": "得分", "en": "Score"},
    "cb_col_in_code": {"zh": "在本代码编码中出现", "en": "In this code's codings"},
    "cb_col_sentences_in_corpus": {"zh": "含此词的句子", "en": "Sentences with it"},
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
    "codebook_owner_only": {
        "zh": "编码簿只能由项目所有者修改。",
        "en": "Only the project's owner edits the codebook.",
    },
}
