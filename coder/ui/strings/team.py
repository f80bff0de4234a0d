"""Logging in, roles, and the Team page."""

STRINGS: dict[str, dict[str, str]] = {
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
}
