"""A small coded project like the demo: two interviews with one (named) person, a policy text and a media
report; codings by two coders in every status; memos on a coding, a source, a code and the project."""

from __future__ import annotations

import json
from pathlib import Path

from coder.audit import coder_named
from coder.db.engine import make_engine, transaction
from coder.db.models import Memo
from tests.helpers import Cli, write

REAL_NAME = "马继强"

FILES = {
    "interviews/20240115MJQ.txt": f"""---
id: 20240115MJQ
kind: interview
date: 2024-01-15
title: 社区书记访谈（一）
interviewee: {REAL_NAME}
role: 社区党委书记
organization: 幸福社区
interviewer: 研究者A
length: 3
---
访谈者：请您谈谈考核改革。𠮷😀
MJQ：以前考核就是走过场，年底关起门来打分。现在排名都公示出来了！
""",
    "interviews/20240220MJQ.txt": f"""---
id: 20240220MJQ
kind: interview
date: 2024-02-20
interviewee: {REAL_NAME}
role: 社区党委书记
organization: 幸福社区
length: 约40分钟
---
访谈者：群众评议怎么样？
MJQ：现在群众评议要打分，结果公开，大家都看得见。
""",
    "policy/20230110-P03.txt": """---
id: 20230110-P03
kind: policy
date: 2023-01-10
title: 青川区干部分类分层考核与方阵划分细则
issuer: 中共青川区委组织部
doc_number: 青组发〔2023〕3号
synthetic: true
---
第一条　干部划分为第一方阵、第二方阵、第三方阵，比例为3.5:5.5:1。
第二条　考核结果在一定范围内公开，接受干部群众监督。
""",
    "media/20230218-M03.txt": """---
id: 20230218-M03
kind: media
date: 2023-02-18
title: “三个方阵”排座次
outlet: 云江新闻网
author:
url: https://example.com/2023/02/18/fangzhen.html
derived_from: 20230110-P03
---
青川区在全区机关推行分类分层考核，三个方阵的人数比例为3:6:1，结果公开晾晒。
""",
}


def code(cli: Cli, source: str, quote: str, code_id: str, coder: str, *memo: str) -> None:
    start = json.loads(cli("sources", "show", source, "--json").stdout)["text"].index(quote)
    result = cli("code", "add", "--source", source, "--start", str(start), "--end", str(start + len(quote)),
                 "--code", code_id, "--coder", coder, *(("--memo", memo[0]) if memo else ()))  # fmt: skip
    assert result.exit_code == 0, result.output


def coded_project(cli: Cli, folder: Path) -> None:
    """Import the files and code them as two researchers would, through the CLI."""
    for name, content in FILES.items():
        write(folder / "corpus" / name, content)
    result = cli("import", str(folder / "corpus"))
    assert result.exit_code == 0, result.output
    code(cli, "20240115MJQ", "以前考核就是走过场", "scenario.backstage", "甲", "典型的幕后场景")
    code(cli, "20240115MJQ", "以前考核就是走过场", "structure.rigid", "乙")
    code(cli, "20240115MJQ", "现在排名都公示出来了！", "action.public_results", "乙")
    code(cli, "20240220MJQ", "结果公开，大家都看得见", "scenario.frontstage", "甲")
    assert cli("tag").exit_code == 0
    assert cli("review", "accept", "--source", "20230110-P03", "--coder", "乙").exit_code == 0
    assert cli("review", "reject", "--source", "20230218-M03", "--coder", "甲").exit_code == 0
    with transaction(make_engine(cli.url)) as session:
        first, second = coder_named(session, "甲"), coder_named(session, "乙")
        session.add_all([
            Memo(coder_id=first.id, source_id="20230110-P03", text="政策原文，待核对文号"),
            Memo(coder_id=second.id, code_id="structure.tiering", text="与方阵划分一起看\n第二行"),
            Memo(coder_id=first.id, text="总体印象：公开是主线"),
        ])  # fmt: skip
