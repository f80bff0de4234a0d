"""The codebook: validation names the line and the rule; syncing keeps codings."""

import json

import pytest
import yaml
from sqlmodel import Session, select

from coder import codebook, demo
from coder.db.engine import make_engine
from coder.db.models import AuditEvent
from tests.helpers import INTERVIEW, Cli, write

SMALL = """\
name: 小编码簿
version: 1
dimensions:
  - id: structure
    name: 结构
codes:
  - id: structure.tiering
    name: 分类分层与方阵划分
    color: "#AABBCC"
    keywords: [方阵, 第一方阵]
    exclude: [地方阵地]
  - id: structure.mentoring
    name: 帮带机制
    keywords: [帮带, 结对]
"""


def test_the_default_codebook_is_the_scenario_structure_action_framework():
    book = codebook.load(demo.CODEBOOK)
    dimensions = [n.id for n in book.nodes if n.is_dimension]
    assert dimensions == ["scenario", "structure", "action"]
    assert len(book.codes) == 15
    assert {c.dimension for c in book.codes} == set(dimensions)
    names = {c.id: c.name for c in book.codes}
    assert names["action.open_call"] == "揭榜挂帅"
    assert names["scenario.uniform_to_tailored"] == "一刀切→因人制宜"
    for code in book.codes:
        assert 8 <= len(code.keywords) <= 30, code.id
        assert code.id.split(".")[0] == code.dimension
        for field in ("name_en", "brief", "definition", "when_to_use", "when_not_to_use", "example"):
            assert getattr(code, field), f"{code.id} lacks {field}"


def test_the_version_changes_exactly_when_content_does():
    same = codebook.parse(SMALL).version
    assert codebook.parse(SMALL).version == same
    assert codebook.parse(SMALL.replace("帮带, 结对", "帮带, 结对帮扶")).version != same


@pytest.mark.parametrize(
    ("edit", "line", "rule"),
    [
        (lambda s: s.replace("structure.mentoring", "structure.tiering"), 12, "duplicate id structure.tiering"),
        (
            lambda s: s.replace("keywords: [帮带, 结对]", "parent: structure.nope\n    keywords: [帮带]"),
            14,
            "unknown parent",
        ),
        (lambda s: s.replace("keywords: [帮带, 结对]", "keywords: []"), 14, "keywords are empty"),
        (lambda s: s.replace("#AABBCC", "blue"), 9, "bad colour 'blue'"),
        (lambda s: s.replace("结对]", "结对, 结对]"), 14, "keywords repeats 结对"),
        (lambda s: s.replace("结对]", "结 对]"), 14, "blank term"),
        (lambda s: s.replace("id: structure.mentoring", "id: Structure-Mentoring"), 12, "lowercase ASCII"),
        (lambda s: s.replace("id: structure.mentoring", "id: action.mentoring"), 12, "dimension action"),
        (lambda s: s.replace("    exclude:", "    keyword: [x]\n    exclude:"), 11, "unknown field keyword"),
    ],
)
def test_validation_names_the_line_and_the_rule(edit, line, rule):
    with pytest.raises(codebook.CodebookError) as caught:
        codebook.parse(edit(SMALL), "book.yaml")
    assert f"book.yaml line {line}: " in caught.value.en
    assert rule in caught.value.en
    assert f"book.yaml 第 {line} 行" in caught.value.zh


def test_all_problems_are_reported_at_once():
    broken = SMALL.replace("#AABBCC", "red").replace("keywords: [帮带, 结对]", "keywords: []")
    with pytest.raises(codebook.CodebookError) as caught:
        codebook.parse(broken)
    assert len(caught.value.problems) == 2


def test_yaml_syntax_errors_name_the_line():
    with pytest.raises(codebook.CodebookError, match="line 3"):
        codebook.parse("name: x\ncodes:\n  - id: [unclosed\n")


def test_codebook_check_command(sqlite_cli, tmp_path):
    good = write(tmp_path / "good.yaml", SMALL)
    bad = write(tmp_path / "bad.yaml", SMALL.replace("#AABBCC", "blue"))
    ok = sqlite_cli("codebook", "check", str(good))
    assert ok.exit_code == 0 and "2 个代码 / codes" in ok.stdout
    refused = sqlite_cli("codebook", "check", str(bad))
    assert refused.exit_code == 1 and "line 9" in refused.stderr


QUOTE = "以前考核就是走过场。"


def coded_project(cli, tmp_path):
    """A project on the small codebook with one manual coding of structure.tiering."""
    write(cli.folder / "codebook.yaml", SMALL)
    assert cli("codebook", "sync", "--force").exit_code == 0
    assert cli("import", str(write(tmp_path / "interviews" / "20240115MJQ.txt", INTERVIEW))).exit_code == 0
    text = json.loads(cli("sources", "show", "20240115MJQ", "--json").stdout)["text"]
    start = text.index(QUOTE)
    added = cli("code", "add", "--source", "20240115MJQ", "--start", str(start), "--end", str(start + len(QUOTE)),
                "--code", "structure.tiering", "--coder", "甲")  # fmt: skip
    assert added.exit_code == 0, added.output


def codings(cli):
    return [(c["code"], c["quote"]) for c in json.loads(cli("code", "list", "--json").stdout)]


def test_renaming_a_code_keeps_its_codings(cli, tmp_path):
    coded_project(cli, tmp_path)
    write(cli.folder / "codebook.yaml", SMALL.replace("分类分层与方阵划分", "方阵划分"))
    assert cli("codebook", "sync").exit_code == 0
    assert codings(cli) == [("structure.tiering", QUOTE)]
    names = {c["id"]: c["name"] for c in json.loads(cli("codes", "list", "--json").stdout)["codes"]}
    assert names["structure.tiering"] == "方阵划分"


def test_a_new_id_with_renamed_from_takes_the_codings_over(cli, tmp_path):
    coded_project(cli, tmp_path)
    renamed = SMALL.replace("id: structure.tiering", "id: structure.tiers\n    renamed_from: [structure.tiering]")
    write(cli.folder / "codebook.yaml", renamed)
    assert cli("codebook", "sync").exit_code == 0
    assert codings(cli) == [("structure.tiers", QUOTE)]


def test_removing_a_code_with_codings_is_refused_unless_forced(cli, tmp_path):
    coded_project(cli, tmp_path)
    without = yaml.safe_load(SMALL)
    without["codes"] = without["codes"][1:]
    write(cli.folder / "codebook.yaml", yaml.safe_dump(without, allow_unicode=True))
    refused = cli("codebook", "sync")
    assert refused.exit_code == 1
    assert "structure.tiering（1 条编码）" in refused.stderr and "--force" in refused.stderr
    assert codings(cli) == [("structure.tiering", QUOTE)]
    assert cli("codebook", "sync", "--force").exit_code == 0
    assert codings(cli) == []
    ids = [c["id"] for c in json.loads(cli("codes", "list", "--json").stdout)["codes"]]
    assert ids == ["structure", "structure.mentoring"]


def test_a_repeated_key_is_refused_not_silently_overwritten():
    with pytest.raises(codebook.CodebookError, match="duplicate key 'keywords'") as caught:
        codebook.parse(SMALL.replace("    exclude: [地方阵地]", "    keywords: [分层]"))
    assert "line 11" in caught.value.en


def test_an_unquoted_colour_gets_a_hint():
    with pytest.raises(codebook.CodebookError, match="quote it"):
        codebook.parse(SMALL.replace('color: "#AABBCC"', "color: #AABBCC"))


def test_an_empty_list_item_is_not_the_keyword_none():
    with pytest.raises(codebook.CodebookError, match="blank term"):
        codebook.parse(SMALL.replace("keywords: [帮带, 结对]", "keywords: [帮带, null]"))


def test_a_parent_cycle_is_refused():
    cyclic = SMALL.replace("name: 帮带机制", "name: 帮带机制\n    parent: structure.tiering").replace(
        "name: 分类分层与方阵划分", "name: 分类分层与方阵划分\n    parent: structure.mentoring"
    )
    with pytest.raises(codebook.CodebookError, match="cycle"):
        codebook.parse(cyclic)


def test_a_forced_removal_audits_the_memos_it_deletes(cli, tmp_path):
    coded_project(cli, tmp_path)
    text = json.loads(cli("sources", "show", "20240115MJQ", "--json").stdout)["text"]
    start = text.index(QUOTE)
    args = ["--start", str(start), "--end", str(start + 3), "--code", "structure.tiering", "--memo", "备忘"]
    assert cli("code", "add", "--source", "20240115MJQ", *args).exit_code == 0
    without = yaml.safe_load(SMALL)
    without["codes"] = without["codes"][1:]
    write(cli.folder / "codebook.yaml", yaml.safe_dump(without, allow_unicode=True))
    assert cli("codebook", "sync", "--force").exit_code == 0
    with Session(make_engine(cli.url)) as session:
        deleted = {(e.entity, e.action) for e in session.exec(select(AuditEvent)).all() if e.action == "delete"}
    assert {("memo", "delete"), ("coding", "delete"), ("code", "delete")} <= deleted


def test_merging_two_codes_with_the_same_coding_is_refused_clearly(cli, tmp_path):
    coded_project(cli, tmp_path)
    text = json.loads(cli("sources", "show", "20240115MJQ", "--json").stdout)["text"]
    start = text.index(QUOTE)
    span = ["--start", str(start), "--end", str(start + len(QUOTE)), "--coder", "甲"]
    assert cli("code", "add", "--source", "20240115MJQ", *span, "--code", "structure.mentoring").exit_code == 0
    merged = SMALL.replace(
        "    keywords: [帮带, 结对]", "    keywords: [帮带, 结对]\n    renamed_from: [structure.tiering]"
    )
    merged = merged[: merged.index("  - id: structure.tiering")] + merged[merged.index("  - id: structure.mentoring") :]
    write(cli.folder / "codebook.yaml", merged)
    result = cli("codebook", "sync")
    assert result.exit_code == 1 and "two identical codings" in result.stderr
    assert len(codings(cli)) == 2


def summarise(cli, code: str, text: str) -> None:
    """甲's framework summary of 20240115MJQ × ``code``."""
    result = cli("matrix", "summary", "participant", "20240115MJQ", code, text, "--coder", "甲")
    assert result.exit_code == 0, result.output


def summaries(cli) -> dict[str, str]:
    frame = json.loads(cli("matrix", "framework", "--format", "json").stdout)["rows"]
    return {row["code"]: row["summary"] for row in frame if row["summary"]}


def audited(cli, entity: str) -> list[AuditEvent]:
    with Session(make_engine(cli.url)) as session:
        return session.exec(select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id)).all()


def test_merging_two_codes_joins_their_summaries_of_one_cell_and_keeps_both_texts(cli, tmp_path):
    coded_project(cli, tmp_path)
    summarise(cli, "structure.tiering", "分层带来压力")
    summarise(cli, "structure.mentoring", "帮带缓解压力")
    merged = SMALL.replace(
        "    keywords: [帮带, 结对]", "    keywords: [帮带, 结对]\n    renamed_from: [structure.tiering]"
    )
    merged = merged[: merged.index("  - id: structure.tiering")] + merged[merged.index("  - id: structure.mentoring") :]
    write(cli.folder / "codebook.yaml", merged)
    result = cli("codebook", "sync")
    assert result.exit_code == 0, result.output
    assert summaries(cli) == {"structure.mentoring": "帮带缓解压力\n\n分层带来压力"}
    last = audited(cli, "framework_summary")[-1]
    assert (last.action, last.entity_id) == ("update", "participant:20240115MJQ:structure.mentoring")
    assert last.before == {"text": "帮带缓解压力"}


def test_removing_a_code_with_a_summary_is_refused_and_a_forced_removal_audits_the_summary(cli, tmp_path):
    coded_project(cli, tmp_path)
    summarise(cli, "structure.mentoring", "帮带缓解压力")  # a code with a summary and no codings
    without = yaml.safe_load(SMALL)
    without["codes"] = without["codes"][:1]
    write(cli.folder / "codebook.yaml", yaml.safe_dump(without, allow_unicode=True))
    refused = cli("codebook", "sync")
    assert refused.exit_code == 1
    assert "structure.mentoring（1 条框架摘要）" in refused.stderr
    assert "structure.mentoring (1 framework summaries)" in refused.stderr
    assert summaries(cli) == {"structure.mentoring": "帮带缓解压力"}
    assert cli("codebook", "sync", "--force").exit_code == 0
    gone = audited(cli, "framework_summary")[-1]
    assert (gone.action, gone.entity_id) == ("delete", "participant:20240115MJQ:structure.mentoring")
    assert gone.before["text"] == "帮带缓解压力"


# Types: what YAML reads an unquoted value as is checked before anything reaches the database ------------


@pytest.mark.parametrize(
    ("edit", "line", "en", "zh"),
    [
        (lambda s: s.replace("    name: 帮带机制", "    name: 帮带机制\n    definition: [a, b]"), 14,
         "structure.mentoring: definition must be text, not a list: ['a', 'b']", "definition 应为文本，而这里是列表"),
        (lambda s: s.replace("name: 帮带机制", "name: 2024"), 13, "name must be text, not a number: 2024", "数字"),
        (lambda s: s.replace("[帮带, 结对]", "[帮带, yes]"), 14, "keywords item 2 must be text, not a boolean", "布尔值"),
        (lambda s: s.replace("[帮带, 结对]", "[2024-01-15]"), 14, "keywords item 1 must be text, not a date", "日期"),
        (lambda s: s.replace("[帮带, 结对]", "帮带"), 14, "keywords must be a list of text, not text: '帮带'", "文本列表"),
        (lambda s: s.replace("    name: 帮带机制", "    name: 帮带机制\n    renamed_from: structure.old"), 14,
         "renamed_from must be a list of text, not text: 'structure.old'; write it as a list", "请写成列表"),
        (lambda s: s.replace("    name: 帮带机制", "    name: 帮带机制\n    renamed_from: [Old-Id]"), 14,
         "renamed_from 'Old-Id' is not a code id", "不是代码编号"),
        (lambda s: s.replace('color: "#AABBCC"', "color: 0xAABBCC"), 9, "color must be text, not a number", "color"),
        (lambda s: s.replace("id: structure.mentoring", "id: 12"), 12, "12: id must be text, not a number", "id"),
        (lambda s: s.replace("name: 小编码簿", "name: [小编码簿]"), 1, "the codebook: name must be text", "编码簿 的 name"),
        (lambda s: s.replace("version: 1", "version: yes"), 2, "version must be text or a number, not a boolean",
         "应为文本或数字"),
        (lambda s: s.replace("    name: 结构", "    name: 结构\n    name_en: {a: 1}"), 6,
         "structure: name_en must be text, not a mapping: {'a': 1}", "映射"),
        (lambda s: s.replace("    name: 帮带机制", "    name: 帮带机制\n    brief: !!binary aGk="), 14,
         "brief must be text, not bytes", "bytes"),
        (lambda s: s.replace("    name: 帮带机制", '    name: 帮带机制\n    example: "引文\\0"'), 14,
         "example holds the invisible control character U+0000", "控制字符 U+0000"),
        (lambda s: s.replace("[帮带, 结对]", '[帮带, "结\\e[2J对"]'), 14,
         "keywords item 2 holds the invisible control character U+001B", "第 2 项含不可见的控制字符"),
    ],
)  # fmt: skip
def test_a_field_of_the_wrong_type_is_named_with_its_line_and_the_type_expected(edit, line, en, zh):
    with pytest.raises(codebook.CodebookError) as caught:
        codebook.parse(edit(SMALL), "book.yaml")
    assert f"book.yaml line {line}: " in caught.value.en and en in caught.value.en, caught.value.en
    assert f"book.yaml 第 {line} 行" in caught.value.zh and zh in caught.value.zh, caught.value.zh
    assert len(caught.value.problems) == 1  # reported once, not again as a missing name or an empty list


def test_quoted_numbers_booleans_and_dates_are_text():
    book = codebook.parse(SMALL.replace("[帮带, 结对]", '[帮带, "yes", "2035", "2024-01-15"]'))
    assert book.by_id()["structure.mentoring"].keywords == ["帮带", "yes", "2035", "2024-01-15"]


def test_field_names_that_are_numbers_or_lists_are_refused_not_a_crash():
    with pytest.raises(codebook.CodebookError) as caught:
        codebook.parse(SMALL.replace("version: 1", "version: 1\n1: a\nzzz: b"), "book.yaml")
    assert "book.yaml line 3: unknown field 1" in caught.value.en and "line 4: unknown field zzz" in caught.value.en
    with pytest.raises(codebook.CodebookError) as caught:
        codebook.parse(SMALL.replace("version: 1", "version: 1\n? [a, b]\n: 1"), "book.yaml")
    assert "book.yaml line 3: " in caught.value.en and "a field name must be a word" in caught.value.en


def test_a_wrongly_typed_codebook_never_reaches_the_database(cli, tmp_path):
    before = cli("codes", "list", "--json").stdout
    bad = SMALL.replace("    name: 帮带机制", "    name: 帮带机制\n    definition: [a, b]")
    write(cli.folder / "codebook.yaml", bad)
    for args in (("codebook", "check"), ("codebook", "sync"), ("init",)):
        refused = cli(*args)
        assert refused.exit_code == 1 and "codebook.yaml line 14: " in refused.stderr, (args, refused.output)
        assert "definition must be text, not a list" in refused.stderr and "database" not in refused.stderr
    assert cli("codes", "list", "--json").stdout == before


def test_init_with_a_broken_codebook_creates_no_database(tmp_path, project_folder):
    database = tmp_path / "new.sqlite"
    write(project_folder / "codebook.yaml", SMALL.replace("name: 帮带机制", "name: 2024"))
    refused = Cli(f"sqlite:///{database}", project_folder)("init")
    assert refused.exit_code == 1 and "name must be text, not a number" in refused.stderr
    assert not database.exists() and "schema is up to date" not in refused.stderr


def test_a_folder_without_a_codebook_reads_the_packaged_one_until_it_has_its_own(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QCODER_CODEBOOK", raising=False)
    assert codebook.default_path() == codebook.PACKAGED_PATH == demo.CODEBOOK
    assert len(codebook.load().codes) == 15
    write(tmp_path / "codebook.yaml", SMALL)
    assert codebook.default_path() == codebook.DEFAULT_PATH
    assert [c.id for c in codebook.load().codes] == ["structure.tiering", "structure.mentoring"]


def test_the_packaged_codebook_is_a_starting_point_only_for_a_project_whose_codes_came_from_it(tmp_path, monkeypatch):
    own = tmp_path / "codebook.yaml"
    monkeypatch.setenv("QCODER_CODEBOOK", str(own))
    assert codebook.starting_point(own, codebook.packaged_version()) == codebook.PACKAGED_PATH  # the demo project
    assert codebook.starting_point(own, "1-0123456789") == own  # a project of its own codes: start from nothing
    assert codebook.starting_point(own, None) == own  # a project with no codes yet
    write(own, SMALL)
    assert codebook.starting_point(own, codebook.packaged_version()) == own  # once saved, always its own file


def test_init_and_sync_without_a_codebook_file_leave_a_projects_codes_alone(cli, project_folder):
    """Only an empty database gets the built-in codebook (the demo): a project's own codes are never replaced."""
    write(project_folder / "codebook.yaml", SMALL)
    assert cli("codebook", "sync", "--force").exit_code == 0
    before = cli("codes", "list", "--json").stdout
    (project_folder / "codebook.yaml").unlink()
    again = cli("init")
    assert again.exit_code == 0 and "not synced" in again.stderr
    refused = cli("codebook", "sync")
    assert refused.exit_code == 1 and "codebook.yaml" in refused.stderr
    assert cli("codes", "list", "--json").stdout == before
