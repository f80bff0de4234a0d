"""A deterministic synthetic Chinese corpus for benchmarks, from our own sentence templates.

Nothing here is taken from elsewhere: the word pools and templates were written for qcoder. The
corpus mixes interview turns, policy provisions and news sentences, with codebook terms at a rate
like the demo corpus, so the tagger does the work it would do on real material.
"""

from __future__ import annotations

import random
from pathlib import Path

SUBJECTS = ["我们", "街道", "区委组织部", "考核办", "这个科室", "老同志", "年轻干部", "社区书记", "分管领导", "局里",
            "基层干部", "镇里", "群众代表", "窗口单位", "执法队", "网格员", "办公室", "班子成员"]  # fmt: skip
VERBS = ["推进", "落实", "调整", "讨论", "研究", "梳理", "协调", "整改", "总结", "部署", "跟进", "核对", "反映", "完善"]
OBJECTS = ["老旧小区改造", "年度任务清单", "季度考核结果", "窗口服务效率", "信访积案", "加装电梯", "人居环境整治",
           "营商环境", "防汛值守", "垃圾分类", "项目审批", "社区养老服务", "数据平台建设", "干部培训"]  # fmt: skip
ADVERBS = ["认真", "反复", "一步一步", "及时", "逐项", "集中", "稳妥地", "加快", "重点", "分批"]
FILLERS = ["嗯", "就是说", "这个", "对吧", "怎么说呢", "其实", "说实话", "你知道", "反正"]
TIMES = ["去年", "今年上半年", "二〇二三年三月", "每个季度", "年底", "上个月", "那段时间", "刚开始的时候"]
TERMS = ["方阵", "第一方阵", "第三方阵", "帮带", "结对", "晾晒", "排名", "公示", "揭榜挂帅", "揭榜", "提拔", "降职",
         "一刀切", "走过场", "精细化", "量化", "自评", "加分项", "扣分项", "群众满意度", "回应民意", "担当作为",
         "协同", "跨部门", "推诿扯皮", "各管一摊", "台前", "透明", "有为政府", "三有"]  # fmt: skip
TEMPLATES = [
    "{time}{subj}{adv}{verb}{obj}，{filler}效果还可以。",
    "{subj}对{obj}的意见比较多，后来{adv}{verb}了。",
    "{filler}，{subj}觉得{term}这件事不能只看表面。",
    "{time}{subj}在{obj}上{adv}{verb}，跟{term}有关系。",
    "我们并没有把{term}当成任务，{subj}主要还是{verb}{obj}。",
    "关于{obj}，{subj}{adv}{verb}，也讲到了{term}和{term2}。",
    "{subj}说{obj}拖了很久，{time}才{verb}下来。",
    "第{n}条　各单位应当{adv}{verb}{obj}，并做好{term}相关工作。",
    "本报讯　{time}，{subj}{verb}{obj}，群众反映良好。",
    "{subj}{time}又把{obj}{adv}{verb}了一遍，{filler}，大家都挺忙的。",
    "那时候{subj}手上事情多，{obj}和{obj2}都要{verb}。",
    "{filler}，{obj}这块{subj}{adv}{verb}，没出什么问题。",
    "{subj}下午开会，{adv}{verb}{obj}的安排。",
    "后来{subj}跟{subj2}商量，把{obj}先{verb}起来。",
]


# The templates that name a codebook term: repeating them makes a text denser in what the tagger finds.
TERM_TEMPLATES = [template for template in TEMPLATES if "{term}" in template]


def sentence(rng: random.Random, templates: list[str] = TEMPLATES) -> str:
    return rng.choice(templates).format(
        time=rng.choice(TIMES), subj=rng.choice(SUBJECTS), adv=rng.choice(ADVERBS), verb=rng.choice(VERBS),
        obj=rng.choice(OBJECTS), obj2=rng.choice(OBJECTS), subj2=rng.choice(SUBJECTS), filler=rng.choice(FILLERS), term=rng.choice(TERMS), term2=rng.choice(TERMS),
        n=rng.randint(1, 40),
    )  # fmt: skip


def document(rng: random.Random, characters: int, kind: str, term_weight: int = 0) -> str:
    """About ``characters`` of one kind of source. ``term_weight`` n > 0 draws the term templates n + 1
    times as often (the default, 0, gives the text every other bench was measured on)."""
    templates = TEMPLATES + TERM_TEMPLATES * term_weight
    lines, size = [], 0
    while size < characters:
        body = "".join(sentence(rng, templates) for _ in range(rng.randint(1, 4)))
        line = f"{rng.choice(['访谈者：', 'ZW：', 'ZW：'])}{body}" if kind == "interview" else body
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)


def write_corpus(folder: Path, documents: int = 200, characters: int = 25_000, seed: int = 2024) -> int:
    """Write ``documents`` files of about ``characters`` each; returns the total characters written."""
    rng = random.Random(seed)
    total = 0
    for number in range(1, documents + 1):
        kind = ("interview", "policy", "media")[number % 3]
        text = document(rng, characters, kind)
        day = f"2023{(number % 12) + 1:02d}{(number % 28) + 1:02d}"
        record_id = (
            f"{day}{'ABCDEFGH'[number % 8]}{'JKLMNPQR'[number // 8 % 8]}{'STWXYZ'[number // 64 % 6]}"
            if kind == "interview"
            else f"{day}-{'P' if kind == 'policy' else 'M'}{number:03d}"
        )
        path = folder / {"interview": "interviews", "policy": "policy", "media": "media"}[kind] / f"{record_id}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\nid: {record_id}\nsynthetic: true\n---\n{text}\n", encoding="utf-8")
        total += len(text)
    return total
