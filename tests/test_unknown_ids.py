"""Every command that takes a code, a dimension or a source refuses an unknown one the same way, instead of
finding nothing: a typo in a filter must not read as "nothing coded yet"."""

import datetime as dt
import json

from sqlmodel import Session, func, select

from coder.db.engine import make_engine
from coder.db.models import AuditEvent, Coding, Source
from tests.helpers import INTERVIEW, write

SOURCE = "20240115MJQ"
UNKNOWN_CODE = (
    "代码 structure.nope 不在编码簿中（qcoder codes list",
    "code structure.nope is not in the codebook (qcoder codes list",
)
UNKNOWN_DIMENSION = (
    "维度 nope 不在编码簿中（qcoder codes list",
    "dimension nope is not in the codebook (qcoder codes list",
)
UNKNOWN_SOURCE = (
    "没有编号为 20990101XX 的来源（qcoder sources list",
    "no source with ID 20990101XX (qcoder sources list",
)


def project_with_a_coding(cli, tmp_path) -> None:
    assert cli("import", str(write(tmp_path / "interviews" / f"{SOURCE}.txt", INTERVIEW))).exit_code == 0
    span = ["--source", SOURCE, "--start", "0", "--end", "3", "--code", "structure.tiering", "--coder", "甲"]
    assert cli("code", "add", *span).exit_code == 0


def writes(url: str) -> tuple[int, int]:
    with Session(make_engine(url)) as session:
        return tuple(session.exec(select(func.count()).select_from(table)).one() for table in (Coding, AuditEvent))


def assert_refused(cli, args: list[str], message: tuple[str, str]) -> None:
    result = cli(*args)
    assert result.exit_code == 1, (args, result.output)
    assert message[0] in result.stderr and message[1] in result.stderr, (args, result.stderr)
    assert result.stdout == "", (args, result.stdout)


def test_an_unknown_code_is_refused_by_every_command_with_one_message(cli, tmp_path):
    project_with_a_coding(cli, tmp_path)
    before = writes(cli.url)
    code = ["--code", "structure.nope"]
    span = ["--source", SOURCE, "--start", "0", "--end", "3"]
    for args in (
        ["code", "list", *code],
        ["code", "add", *span, *code],
        ["review", "accept", *code],
        ["review", "reject", *code],
        ["export", "quotes", *code],
        ["matrix", "cooccurrence", *code],
        ["matrix", "framework", *code],
        ["matrix", "timeline", *code],
        ["matrix", "words", *code],
        ["matrix", "summary", "participant", SOURCE, "structure.nope", "摘要"],
        ["keywords", *code],
        ["claim", "add", "一个论断。", *code],
        ["consensus", "add", *span, *code, "--from", "1"],
    ):
        assert_refused(cli, args, UNKNOWN_CODE)
    assert writes(cli.url) == before


def test_an_unknown_dimension_is_refused_with_one_message(cli, tmp_path):
    project_with_a_coding(cli, tmp_path)
    for command in (["export", "quotes"], ["matrix", "cooccurrence"], ["matrix", "framework"], ["matrix", "timeline"]):
        assert_refused(cli, [*command, "--dimension", "nope"], UNKNOWN_DIMENSION)


def test_a_dimension_is_no_code_to_filter_codings_by(cli, tmp_path):
    project_with_a_coding(cli, tmp_path)
    for command in (["code", "list"], ["review", "accept"]):
        result = cli(*command, "--code", "structure")
        assert result.exit_code == 1 and "structure is a dimension, not a code" in result.stderr, result.output


def test_an_unknown_source_is_refused_by_every_command_with_one_message(cli, tmp_path):
    project_with_a_coding(cli, tmp_path)
    before = writes(cli.url)
    source = ["--source", "20990101XX"]
    for args in (
        ["sources", "show", "20990101XX"],
        ["code", "list", *source],
        ["code", "add", *source, "--start", "0", "--end", "3", "--code", "structure.tiering"],
        ["review", "accept", *source],
        ["review", "reject", *source],
        ["icr", *source],
        ["round", "open", "第一轮", *source],
        ["consensus", "add", *source, "--start", "0", "--end", "3", "--code", "structure.tiering", "--from", "1"],
    ):
        assert_refused(cli, args, UNKNOWN_SOURCE)
    assert writes(cli.url) == before


def test_known_codes_and_sources_still_filter_and_full_width_ids_are_found(cli, tmp_path):
    project_with_a_coding(cli, tmp_path)
    listed = cli("code", "list", "--code", "structure.tiering", "--source", "２０２４０１１５ＭＪＱ")
    assert listed.exit_code == 0 and "structure.tiering" in listed.stdout
    none_to_review = cli("review", "accept", "--code", "structure.tiering")
    assert none_to_review.exit_code == 0 and "accepted 0 suggestions" in none_to_review.stderr


def test_a_source_stored_in_full_width_before_ids_were_normalised_stays_reachable(sqlite_cli):
    wide = "２０２４０１１５ＭＪＱ"
    with Session(make_engine(sqlite_cli.url)) as session:  # as an earlier version stored it
        session.add(
            Source(id=wide, kind="interview", date=dt.date(2024, 1, 15), text="问：好。", sha256="0" * 64,
                   filename="old.txt", meta={})
        )  # fmt: skip
        session.commit()
    shown = sqlite_cli("sources", "show", wide, "--json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["id"] == wide
    assert sqlite_cli("code", "list", "--source", wide, "--json").exit_code == 0


def test_a_participant_typed_in_full_width_selects_the_same_quotes_and_words(cli, tmp_path):
    project_with_a_coding(cli, tmp_path)
    for command, found in (
        (["export", "quotes"], "“访谈者”"),
        (["matrix", "words", "--format", "json"], "走过场"),
        (["matrix", "words", "--code", "structure.tiering", "--format", "json"], '"codings": 1'),
    ):
        typed = cli(*command, "--participant", SOURCE)
        assert typed.exit_code == 0 and found in typed.stdout, (command, typed.output)
        wide = cli(*command, "--participant", "２０２４０１１５ＭＪＱ")
        assert wide.exit_code == 0, (command, wide.output)
        assert wide.stdout == typed.stdout, command


def test_a_participant_must_be_named_by_an_interview_that_exists(cli, tmp_path):
    project_with_a_coding(cli, tmp_path)
    policy = "---\nid: 20230110-P01\nkind: policy\ndate: 2023-01-10\ntitle: 考核办法\n---\n正文。\n"
    assert cli("import", str(write(tmp_path / "policy" / "20230110-P01.txt", policy))).exit_code == 0
    not_an_interview = (
        "来源 20230110-P01 不是有受访者的访谈记录",
        "source 20230110-P01 is no interview with a participant: a participant is chosen by the ID of any of",
    )
    for command in (["export", "quotes"], ["matrix", "words"]):
        assert_refused(cli, [*command, "--participant", "20990101XX"], UNKNOWN_SOURCE)
        assert_refused(cli, [*command, "--participant", "20230110-P01"], not_an_interview)
