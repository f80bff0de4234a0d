"""The codebook file: load and validate ``codebook.yaml`` (:mod:`coder.codebook_sync` puts it in a project).

The YAML has ``dimensions`` (the roots of the tree: scenario / structure / action in the default
codebook) and ``codes``. A code's id is ASCII and starts with its dimension (``structure.tiering``);
its ``parent`` is a dimension or another code of the same dimension. A code that changed its id lists
the old one in ``renamed_from`` so syncing moves its codings instead of dropping them. A code brought in
from another QDA tool keeps that tool's ``guid`` (see :mod:`coder.export.qdpx_import`), unique in the
codebook, so importing the project again finds it and exporting writes it back.

Validation collects every problem with its line number, so a researcher fixes the file in one pass.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from coder import demo
from coder.controls import CONTROL
from coder.errors import QcoderError
from coder.limits import NoAliasLoader, check_yaml_size, read_yaml_file

DEFAULT_PATH = Path("codebook.yaml")  # the project's own codebook, in the folder qcoder runs in
PACKAGED_PATH = demo.CODEBOOK  # the default one, shipped with the package; never written

_DIMENSION_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CODE_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\}?$")
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
# What each field holds. Unquoted, YAML reads 2035 as a number, yes/no as booleans, 2024-01-15 as a date
# and [a, b] as a list: anything but the field's type is refused with its line before it reaches the database.
_TEXT, _TERMS, _VERSION, _MAPPINGS = "text", "terms", "version", "mappings"
_TERM_FIELDS = ("keywords", "exclude", "renamed_from")
_DIMENSION_FIELDS = dict.fromkeys(("id", "name", "name_en", "color", "definition"), _TEXT)
_CODE_FIELDS = {
    **dict.fromkeys(("id", "name", "name_en", "parent", "brief", "definition", "when_to_use", "when_not_to_use",
                     "example", "color", "guid"), _TEXT),
    **dict.fromkeys(_TERM_FIELDS, _TERMS),
}  # fmt: skip
_TOP_FIELDS = {"name": _TEXT, "name_en": _TEXT, "version": _VERSION, "dimensions": _MAPPINGS, "codes": _MAPPINGS}
_BOOKKEEPING = {"__line__", "__lines__"}


@dataclass
class CodeSpec:
    """One node of the codebook as written in the YAML (dimensions included, with no parent)."""

    id: str
    name: str
    dimension: str
    parent: str | None = None
    name_en: str | None = None
    brief: str | None = None
    definition: str | None = None
    when_to_use: str | None = None
    when_not_to_use: str | None = None
    example: str | None = None
    keywords: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    color: str = "#DDDDDD"
    renamed_from: list[str] = field(default_factory=list)
    guid: str | None = None  # another QDA tool's, lower case without braces
    line: int = 0
    parent_line: int = 0

    @property
    def is_dimension(self) -> bool:
        return self.parent is None


@dataclass
class Codebook:
    name: str
    version: str
    nodes: list[CodeSpec]
    path: str = ""

    def by_id(self) -> dict[str, CodeSpec]:
        return {node.id: node for node in self.nodes}

    @property
    def codes(self) -> list[CodeSpec]:
        return [node for node in self.nodes if not node.is_dimension]


class CodebookError(QcoderError):
    """A codebook that breaks one or more rules; ``problems`` lists each with its line."""

    def __init__(self, path: str, problems: list[tuple[int, str, str]]) -> None:
        self.problems = problems
        zh = "\n".join(f"{path} 第 {line} 行：{zh}" for line, zh, _ in problems)
        en = "\n".join(f"{path} line {line}: {en}" for line, _, en in problems)
        super().__init__(f"编码簿有 {len(problems)} 处错误：\n{zh}", f"codebook has {len(problems)} error(s):\n{en}")

    def __str__(self) -> str:
        return f"{self.zh}\n{self.en}"


class _LineLoader(NoAliasLoader):
    """A safe loader that remembers the line each mapping starts on (as ``__line__``)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode):  # `? [a, b]: x`: no field is named by a list
            raise yaml.constructor.ConstructorError(None, None, "a field name must be a word", key.start_mark)
        if key.value in seen:
            # PyYAML would silently keep the last one: a second `keywords:` must not hide the first.
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key.value!r}", key.start_mark)
        seen.add(key.value)
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__lines__"] = {key.value: key.start_mark.line + 1 for key, _ in node.value}
    return mapping


def _line(raw: dict, key: str) -> int:
    """The line a field is written on, or the line its mapping starts on when the field is absent."""
    return raw["__lines__"].get(str(key), raw["__line__"])


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def app_path() -> Path:
    """The codebook file the app edits: ``QCODER_CODEBOOK`` or ``codebook.yaml`` in the project folder."""
    return Path(os.environ.get("QCODER_CODEBOOK") or DEFAULT_PATH)


def starting_point(path: Path, stored_version: str | None) -> Path:
    """The file an edit of the codebook file ``path`` starts from: ``path`` itself, or, while the project's
    own file (:func:`app_path`) is not written yet, the packaged default codebook — but only for a project
    whose codes came from it (``stored_version``, the version the database holds: the demo project, say).

    A folder ``qcoder app`` was started in holds no codebook until the researcher saves one, and the
    packaged file (inside the installed package) is never written: the first save creates ``path``. Any
    other project starts from ``path`` as it is (nothing): an edit must never bring in codes it never had."""
    if path.exists() or path != app_path() or stored_version != packaged_version():
        return path
    return PACKAGED_PATH


@functools.cache
def packaged_version() -> str:
    """The version of the packaged default codebook (it never changes while qcoder runs)."""
    return load(PACKAGED_PATH).version


def default_path() -> Path:
    """The codebook read when none is named and a project is only being made (the demo) or nothing is
    written (``qcoder suggest``): the project's own file (:func:`app_path`) once it exists, else the
    packaged default (``coder/demo/codebook.yaml``)."""
    path = app_path()
    return path if path.exists() else PACKAGED_PATH


def load(path: str | Path | None = None) -> Codebook:
    """Read and validate a codebook file (default: :func:`default_path`); raise :class:`CodebookError`
    listing every problem."""
    path = default_path() if path is None else Path(path)
    try:
        text = read_yaml_file(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise QcoderError(f"无法读取编码簿 {path}：{exc}", f"cannot read codebook {path}: {exc}") from None
    return parse(text, str(path))


def parse(text: str, path: str = "codebook.yaml") -> Codebook:
    check_yaml_size(path, len(text.encode("utf-8")))
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise CodebookError(path, [(line, f"YAML 语法错误：{exc}", f"YAML syntax error: {exc}")]) from None
    return _validate(data, path)


def _validate(data: Any, path: str) -> Codebook:
    problems: list[tuple[int, str, str]] = []

    def problem(line: int, zh: str, en: str) -> None:
        problems.append((line, zh, en))

    if not isinstance(data, dict):
        raise CodebookError(path, [(1, "顶层应为映射（name、dimensions、codes）", "top level must be a mapping")])
    for key in sorted(set(data) - set(_TOP_FIELDS) - _BOOKKEEPING, key=str):
        problem(_line(data, key), f"未知字段 {key}", f"unknown field {key}")
    _wrong_types(data, _TOP_FIELDS, ("编码簿", "the codebook"), problem)
    nodes: list[CodeSpec] = []
    for raw in _list_of_mappings(data, "dimensions", problem):
        nodes.append(_dimension(raw, problem))
    for raw in _list_of_mappings(data, "codes", problem):
        nodes.append(_code(raw, problem))
    # A code whose id breaks the rule (reported already) has no dimension or parent to check against.
    _check_tree([n for n in nodes if n.is_dimension or _CODE_ID.match(n.id)], problem)
    if problems:
        raise CodebookError(path, sorted(problems, key=lambda p: p[0]))
    return Codebook(
        name=str(data.get("name") or path),
        version=f"{1 if data.get('version') is None else data['version']}-{_fingerprint(nodes)}",
        nodes=nodes,
        path=path,
    )


def _list_of_mappings(data: dict, key: str, problem) -> list[dict]:
    items = data.get(key)
    if not isinstance(items, list) or not items:
        problem(_line(data, key), f"缺少非空列表 {key}", f"{key} must be a non-empty list")
        return []
    good = [item for item in items if isinstance(item, dict)]
    if len(good) != len(items):
        problem(_line(data, key), f"{key} 的每一项都应为映射", f"every item of {key} must be a mapping")
    return good


def _common(raw: dict, fields: dict[str, str], problem) -> tuple[int, str, set[str]]:
    """The mapping's line, its colour and the fields of the wrong type, after the rules every node shares."""
    line = raw["__line__"]
    for key in sorted(set(raw) - set(fields) - _BOOKKEEPING, key=str):
        problem(_line(raw, key), f"未知字段 {key}", f"unknown field {key}")
    owner = str(raw.get("id"))
    wrong = _wrong_types(raw, fields, (owner, owner), problem)
    if "name" not in wrong and not str(raw.get("name") or "").strip():
        problem(_line(raw, "name"), f"{raw.get('id')} 缺少名称 name", f"{raw.get('id')}: name is missing")
    color = str(raw.get("color", "#DDDDDD"))
    if raw.get("color", "") is None:
        problem(
            _line(raw, "color"),
            f'{raw.get("id")} 的颜色为空：YAML 把 # 当作注释，请加引号，如 color: "#AABBCC"',
            f'{raw.get("id")}: colour is empty: YAML reads # as a comment, quote it: color: "#AABBCC"',
        )
    elif "color" not in wrong and not _COLOR.match(color):
        problem(
            _line(raw, "color"),
            f"{raw.get('id')} 的颜色 {color!r} 无效，应为 #RRGGBB",
            f"{raw.get('id')}: bad colour {color!r}",
        )
    return line, color, wrong


def _dimension(raw: dict, problem) -> CodeSpec:
    line, color, wrong = _common(raw, _DIMENSION_FIELDS, problem)
    dim_id = str(raw.get("id", ""))
    if "id" not in wrong and not _DIMENSION_ID.match(dim_id):
        problem(line, f"维度编号 {dim_id!r} 无效（小写 ASCII）", f"dimension id {dim_id!r} must be lowercase ASCII")
    return CodeSpec(
        id=dim_id, name=str(raw.get("name", "")), dimension=dim_id, name_en=raw.get("name_en"),
        definition=raw.get("definition"), color=color, line=line,
    )  # fmt: skip


def _code(raw: dict, problem) -> CodeSpec:
    line, color, wrong = _common(raw, _CODE_FIELDS, problem)
    code_id = str(raw.get("id", ""))
    if "id" not in wrong and not _CODE_ID.match(code_id):
        problem(
            line,
            f"编码编号 {code_id!r} 无效：应为“维度.名称”形式的小写 ASCII（如 structure.tiering）",
            f"code id {code_id!r} must be lowercase ASCII 'dimension.name' (e.g. structure.tiering)",
        )
    keywords, exclude, renamed_from = (_terms(raw, key, code_id, wrong, problem) for key in _TERM_FIELDS)
    if not keywords and "keywords" not in wrong:
        problem(_line(raw, "keywords"), f"{code_id} 的关键词 keywords 为空", f"{code_id}: keywords are empty")
    guid = raw.get("guid")
    if guid is not None and "guid" not in wrong and not _GUID.match(str(guid)):
        problem(
            _line(raw, "guid"),
            f"{code_id} 的 guid {guid!r} 不是 8-4-4-4-12 位十六进制的 GUID",
            f"{code_id}: guid {guid!r} is not an 8-4-4-4-12 hex GUID",
        )
    return CodeSpec(
        id=code_id,
        name=str(raw.get("name", "")),
        dimension=code_id.split(".")[0],
        parent=str(raw.get("parent") or code_id.split(".")[0]),
        name_en=raw.get("name_en"),
        brief=raw.get("brief"),
        definition=raw.get("definition"),
        when_to_use=raw.get("when_to_use"),
        when_not_to_use=raw.get("when_not_to_use"),
        example=raw.get("example"),
        keywords=keywords,
        exclude=exclude,
        color=color,
        renamed_from=renamed_from,
        guid=str(guid).strip("{}").lower() if guid is not None and "guid" not in wrong else None,
        line=line,
        parent_line=_line(raw, "parent"),
    )


def _terms(raw: dict, key: str, code_id: str, wrong: set[str], problem) -> list[str]:
    if key in wrong:
        return []
    line = _line(raw, key)
    clean = [(t or "").strip() for t in raw.get(key) or []]
    for term in clean:
        if not term or re.search(r"\s", term):
            # jieba splits a term at white space, so such a term could never match as one word.
            problem(line, f"{code_id} 的 {key} 含空白或空词 {term!r}", f"{code_id}: {key} has a blank term {term!r}")
        elif key == "renamed_from" and not _CODE_ID.match(term):
            problem(
                line,
                f"{code_id} 的 renamed_from 中 {term!r} 不是代码编号",
                f"{code_id}: renamed_from {term!r} is not a code id",
            )
    for term, n in sorted(Counter(clean).items()):
        if n > 1:
            problem(line, f"{code_id} 的 {key} 重复：{term}", f"{code_id}: {key} repeats {term}")
    return clean


def _wrong_types(raw: dict, fields: dict[str, str], owner: tuple[str, str], problem) -> set[str]:
    """The fields of ``raw`` holding something other than their type (or a control character), each
    reported with its line; later rules leave them out rather than report them twice. An absent or
    empty field is for those rules to judge."""
    wrong = set()
    for key, kind in fields.items():
        value = raw.get(key)
        if value is None or kind == _MAPPINGS:  # lists of mappings: see _list_of_mappings
            continue
        for zh, en in _type_problems(kind, value):
            wrong.add(key)
            problem(_line(raw, key), f"{owner[0]} 的 {key} {zh}", f"{owner[1]}: {key} {en}")
    return wrong


def _type_problems(kind: str, value: Any) -> list[tuple[str, str]]:
    """What is wrong with ``value`` as a field of ``kind``: nothing, or one reason per item at fault."""
    if kind == _TEXT:
        reason = _not_text(value)
        return [reason] if reason else []
    if kind == _TERMS and isinstance(value, list):
        found = []
        for i, item in enumerate(value, 1):
            reason = None if item is None else _not_text(item)  # an empty item is a blank term, see _terms
            if reason:
                found.append((f"第 {i} 项{reason[0]}", f"item {i} {reason[1]}"))
        return found
    if kind == _VERSION and isinstance(value, int | float | str) and not isinstance(value, bool):
        return []
    expected = ("文本或数字", "text or a number") if kind == _VERSION else ("文本列表", "a list of text")
    zh, en = _yaml_type(value)
    zh, en = f"应为{expected[0]}，而这里是{zh}：{_shown(value)}", f"must be {expected[1]}, not {en}: {_shown(value)}"
    if kind == _TERMS and isinstance(value, str):
        zh, en = f"{zh}；请写成列表 [{value}]", f"{en}; write it as a list: [{value}]"
    return [(zh, en)]


def _not_text(value: Any) -> tuple[str, str] | None:
    """Why ``value`` cannot be a text field (its YAML type, or a control character it holds), or None."""
    if isinstance(value, str):
        found = CONTROL.search(value)
        if found is None:
            return None
        char = f"U+{ord(found.group()):04X}"
        return f"含不可见的控制字符 {char}，请删除", f"holds the invisible control character {char}: remove it"
    zh, en = _yaml_type(value)
    return (
        f"应为文本，而这里是{zh}：{_shown(value)}；要作为文本请加引号",
        f"must be text, not {en}: {_shown(value)}; quote it to make it text",
    )


def _yaml_type(value: Any) -> tuple[str, str]:
    if isinstance(value, bool):
        return (
            "布尔值（YAML 把不加引号的 yes、no、on、off、true、false 读作布尔值）",
            "a boolean (YAML reads unquoted yes, no, on, off, true and false as booleans)",
        )
    if isinstance(value, int | float):
        return "数字", "a number"
    if isinstance(value, dt.date):
        return "日期（YAML 把不加引号的 2024-01-15 读作日期）", "a date (YAML reads an unquoted 2024-01-15 as a date)"
    names = {str: ("文本", "text"), list: ("列表", "a list"), dict: ("映射", "a mapping")}
    return names.get(type(value), (type(value).__name__, type(value).__name__))


def _shown(value: Any, limit: int = 60) -> str:
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if k not in _BOOKKEEPING}
    text = str(value) if isinstance(value, dt.date) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_tree(nodes: list[CodeSpec], problem) -> None:
    seen: dict[str, CodeSpec] = {}
    for node in nodes:
        if node.id in seen:
            problem(
                node.line,
                f"编号 {node.id} 重复（第 {seen[node.id].line} 行已定义）",
                f"duplicate id {node.id} (first defined on line {seen[node.id].line})",
            )
        else:
            seen[node.id] = node
    guids: dict[str, CodeSpec] = {}
    for node in nodes:
        if node.guid and node.guid in guids:
            problem(
                node.line,
                f"{node.id} 的 guid 与 {guids[node.guid].id}（第 {guids[node.guid].line} 行）相同",
                f"{node.id}: guid is the same as {guids[node.guid].id}'s (line {guids[node.guid].line})",
            )
        elif node.guid:
            guids[node.guid] = node
    dimensions = {n.id for n in nodes if n.is_dimension}
    for node in nodes:
        if node.is_dimension:
            continue
        if node.dimension not in dimensions:
            problem(
                node.line,
                f"{node.id} 的维度 {node.dimension} 未在 dimensions 中定义",
                f"{node.id}: dimension {node.dimension} is not defined",
            )
        parent = seen.get(node.parent or "")
        if parent is None:
            problem(
                node.parent_line, f"{node.id} 的上级 {node.parent} 不存在", f"{node.id}: unknown parent {node.parent}"
            )
        elif parent.dimension != node.dimension:
            problem(
                node.parent_line,
                f"{node.id} 的上级 {node.parent} 属于另一维度",
                f"{node.id}: parent {node.parent} is in another dimension",
            )
        elif _has_cycle(node, seen):
            problem(node.line, f"{node.id} 的上级关系成环", f"{node.id}: parent chain forms a cycle")


def _has_cycle(node: CodeSpec, by_id: dict[str, CodeSpec]) -> bool:
    visited = {node.id}
    current = by_id.get(node.parent or "")
    while current is not None and current.parent is not None:
        if current.id in visited:
            return True
        visited.add(current.id)
        current = by_id.get(current.parent)
    return False


def _fingerprint(nodes: list[CodeSpec]) -> str:
    """A short content hash: the codebook version changes exactly when a code's content does."""
    # A code without a guid hashes as before guids existed: no codebook's version changes by the upgrade.
    payload = [
        {
            k: v
            for k, v in vars(node).items()
            if k not in ("line", "parent_line", "renamed_from") and not (k == "guid" and v is None)
        }
        for node in sorted(nodes, key=lambda n: n.id)
    ]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:10]


def ordered(codebook: Codebook) -> list[CodeSpec]:
    """Nodes with every parent before its children (the order rows must be inserted in)."""
    by_id = codebook.by_id()
    done: dict[str, CodeSpec] = {}

    def visit(node: CodeSpec) -> None:
        if node.id in done:
            return
        if node.parent:
            visit(by_id[node.parent])
        done[node.id] = node

    for node in codebook.nodes:
        visit(node)
    return list(done.values())
