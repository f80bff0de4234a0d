"""Suggestions that learn from decisions: keyword priors, the trained suggester, background retraining."""

import json
import time
from pathlib import Path

import pytest
from sqlmodel import Session, select

from coder import background, learned, training
from coder.db.engine import make_engine
from coder.db.models import AuditEvent
from coder.errors import QcoderError
from coder.priors import History, posterior
from coder.project import Project
from coder.tagger import Tagger
from tests.helpers import code_quotes, write

PUBLISHED = "action.public_results"
# Every sentence holds 公示 and no other term of the code: what is learned about 公示 decides them all.
NOTICES = "\n".join(
    f"WJG：{line}"
    for line in ("名单在门口公示了三天。", "那份名单公示过一次。", "他的情况也公示了。", "结果要公示给大家。")
)


def interview(record_id: str, body: str) -> str:
    return f"---\nid: {record_id}\nkind: interview\n---\n访谈者：说说吧。\n{body}\n"


def suggested(cli, source: str, code: str = PUBLISHED) -> list[dict]:
    rows = json.loads(cli("code", "list", "--source", source, "--status", "suggested", "--json").stdout)
    return [row for row in rows if row["code"] == code]


def test_posterior_starts_at_the_codebook_weight_and_follows_the_decisions():
    assert posterior(0.45, History()) == pytest.approx(0.45)
    assert posterior(0.45, History(accepted=0, rejected=20)) == pytest.approx(1.8 / 24)
    assert posterior(0.45, History(accepted=20, rejected=0)) == pytest.approx(21.8 / 24)
    assert posterior(0.45, History(2, 18)) < posterior(0.45, History(18, 2))


def test_a_term_rejected_again_and_again_stops_suggesting_its_code(cli, tmp_path):
    write(tmp_path / "corpus" / "a.txt", interview("20240129WJG", NOTICES))
    assert cli("import", str(tmp_path / "corpus")).exit_code == 0
    assert cli("tag").exit_code == 0
    first = suggested(cli, "20240129WJG")
    assert len(first) == 4 and {term for row in first for term in row["terms"]} == {"公示"}
    rejected = cli("review", "reject", "--source", "20240129WJG", "--code", PUBLISHED, "--coder", "研究者A")
    assert rejected.exit_code == 0, rejected.output

    histories = Project.open(cli.url).term_histories()
    row = next(h for h in histories if h["code"] == PUBLISHED and h["term"] == "公示")
    assert (row["accepted"], row["rejected"]) == (0, 4)
    assert row["weight"] == pytest.approx((4 * row["base"]) / 8, abs=1e-3)

    write(tmp_path / "more" / "b.txt", interview("20240130WJG", NOTICES))
    assert cli("import", str(tmp_path / "more")).exit_code == 0
    assert cli("tag").exit_code == 0
    assert suggested(cli, "20240130WJG") == []  # 0.225 now, below the tagger's 0.3


def test_accepting_a_term_raises_its_weight_and_re_tags_the_code(cli, tmp_path):
    write(tmp_path / "corpus" / "a.txt", interview("20240129WJG", NOTICES))
    assert cli("import", str(tmp_path / "corpus")).exit_code == 0
    assert cli("tag").exit_code == 0
    one, *others = suggested(cli, "20240129WJG")
    assert cli("review", "accept", "--id", str(one["id"]), "--coder", "研究者A").exit_code == 0
    retag = json.loads(cli("tag", "--json").stdout)
    assert retag["by_code"].get(PUBLISHED) == 3  # the code's fingerprint moved with the weight
    assert (retag["rescored"], retag["removed"]) == (3, 0)
    after = suggested(cli, "20240129WJG")
    assert [row["id"] for row in after] == [row["id"] for row in others]  # same rows: a reviewer's page holds
    assert all(row["score"] > one["score"] and row["version"] == 1 for row in after)


CODED = interview(
    "20240115MJQ",
    "MJQ：按比例分成三个方阵，第一方阵帮带第三方阵。\nMJQ：以前考核就是走过场，人人称职。\nMJQ：食堂的饭菜还可以。",
)


def test_train_stores_a_new_model_version_and_records_it(cli, tmp_path):
    code_quotes(cli, tmp_path, {"a.txt": CODED}, {"20240115MJQ": [("structure.tiering", "按比例分成三个方阵")]})
    result = cli("train", "--json", "--coder", "研究者A")
    assert result.exit_code == 0, result.output
    first = json.loads(result.stdout)
    assert first["version"] == "suggester-0001" and first["positives"] >= 1
    assert first["units"] == 3  # the coded source counts as coded through: every answer sentence
    second = json.loads(cli("train", "--json").stdout)
    assert second["version"] == "suggester-0002"
    engine = make_engine(cli.url)
    folder = cli.folder / training.models_dir(engine) / "suggester-0002"  # PostgreSQL: under the project folder
    assert (folder / learned.META).is_file() and not list(folder.parent.glob("*.partial"))
    with Session(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "train")).all()
        assert [e.entity_id for e in events] == ["suggester-0001", "suggester-0002"]
    assert cli("user", "add", "负责人", "--role", "owner", "--password-stdin", input="长长的口令123\n").exit_code == 0
    undo = cli("audit", "undo", str(events[0].id), "--coder", "负责人")
    assert undo.exit_code == 1 and "training cannot be undone" in undo.output
    assert "combined" not in cli("suggester").stdout  # training alone does not change what tagging uses


def test_training_without_any_decision_is_refused(cli, tmp_path):
    write(tmp_path / "corpus" / "a.txt", CODED)
    assert cli("import", str(tmp_path / "corpus")).exit_code == 0
    result = cli("train")
    assert result.exit_code == 1 and "nothing to learn from" in result.output


def decide_everything(cli, source: str) -> None:
    """Reject what the tagger still suggests in ``source``: it is then coded through (see coder.training)."""
    assert cli("review", "reject", "--source", source, "--coder", "研究者A").exit_code == 0


def test_combined_suggester_re_tags_with_the_model_and_keeps_decisions(cli, tmp_path):
    code_quotes(cli, tmp_path, {"a.txt": CODED}, {"20240115MJQ": [("structure.tiering", "按比例分成三个方阵")]})
    assert cli("tag").exit_code == 0
    decide_everything(cli, "20240115MJQ")
    assert cli("train").exit_code == 0
    assert cli("suggester", "combined", "--coder", "研究者A").stdout.startswith("combined (model suggester-0001)")
    retag = json.loads(cli("tag", "--json").stdout)
    assert retag["pairs"] > 0  # every code's fingerprint names the model
    assert json.loads(cli("tag", "--json").stdout)["pairs"] == 0
    manual = json.loads(cli("code", "list", "--status", "manual", "--json").stdout)
    assert [row["code"] for row in manual] == ["structure.tiering"]
    assert cli("suggester", "clever").exit_code == 1


def test_labels_are_partial_where_nobody_coded_and_blind_rounds_are_left_out(cli, tmp_path):
    code_quotes(
        cli, tmp_path,
        {"a.txt": CODED, "b.txt": interview("20240129WJG", NOTICES), "c.txt": interview("20240130WJG", NOTICES)},
        {"20240115MJQ": [("structure.tiering", "按比例分成三个方阵")]},
    )  # fmt: skip
    assert cli("tag").exit_code == 0
    for source in ("20240129WJG", "20240130WJG"):
        assert cli("review", "reject", "--source", source, "--code", PUBLISHED, "--coder", "研究者A").exit_code == 0
    assert cli("round", "open", "第一轮", "--source", "20240130WJG", "--coder", "研究者A").exit_code == 0
    with Session(make_engine(cli.url)) as session:
        units, counts = training.labelled_units(session)
    rejected_only = [u for u in units if "公示" in u.text]
    assert len(rejected_only) == 4  # 20240129WJG only: the round's source teaches nothing while it is open
    assert all(u.cats == {PUBLISHED: 0.0} for u in rejected_only)
    # 20240115MJQ is coded but its suggestions wait for a decision: its other sentences are not negatives.
    assert [u.cats for u in units if "方阵" in u.text] == [{"structure.tiering": 1.0}]
    assert not [u for u in units if "饭菜" in u.text]
    assert counts["sources"] == 2

    decide_everything(cli, "20240115MJQ")  # now coded through: what is not coded is not there
    with Session(make_engine(cli.url)) as session:
        units, _ = training.labelled_units(session)
    coded = next(u for u in units if "方阵" in u.text)
    assert coded.cats["structure.tiering"] == 1.0 and coded.cats[PUBLISHED] == 0.0
    assert set(next(u for u in units if "饭菜" in u.text).cats.values()) == {0.0}


def test_the_same_labels_train_the_same_model():
    tagger = Tagger([type("C", (), {"id": "a.x", "keywords": ["排名"], "exclude": []})()])
    units = [
        learned.Labelled("每季度晾晒排名。", {"a.x": 1.0}),
        learned.Labelled("食堂的饭菜还可以。", {"a.x": 0.0}),
    ] * 5
    one, two = (learned.fit(tagger, units, ["a.x"], epochs=3) for _ in range(2))
    texts = ["排名靠后要约谈。", "今天下雨。"]
    first = learned.probabilities(one, tagger, texts)
    assert first == learned.probabilities(two, tagger, texts)
    assert first[0]["a.x"] > first[1]["a.x"]


def test_eval_compares_keyword_learned_and_combined_on_a_held_out_split(cli, tmp_path):
    files = {"a.txt": CODED, "b.txt": interview("20240129WJG", NOTICES)}
    for name, content in files.items():
        write(tmp_path / "corpus" / name, content)
    assert cli("import", str(tmp_path / "corpus")).exit_code == 0
    gold = {
        "train/a.yaml": {
            "source": "20240115MJQ",
            "codings": [{"code": "structure.tiering", "quote": "按比例分成三个方阵"}],
        },
        "test/b.yaml": {"source": "20240129WJG", "codings": [{"code": PUBLISHED, "quote": "结果要公示给大家。"}]},
    }
    for name, body in gold.items():
        write(tmp_path / "gold" / name, json.dumps(body, ensure_ascii=False))  # JSON is YAML
    result = cli(
        "eval", "--gold", str(tmp_path / "gold" / "test"), "--train", str(tmp_path / "gold" / "train"), "--json"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report["compare"]) == {"keywords", "learned", "combined"}
    assert report["compare"]["keywords"]["code_micro"] == report["code_micro"]
    assert report["training"] == {"sources": ["20240115MJQ"], "units": 3}
    same = cli("eval", "--gold", str(tmp_path / "gold" / "test"), "--train", str(tmp_path / "gold" / "test"))
    assert same.exit_code == 1 and "share sources: 20240129WJG" in same.output


def test_the_app_retrains_in_a_background_process_once_enough_decisions_are_made(sqlite_cli, tmp_path, monkeypatch):
    quotes = [("structure.tiering", "按比例分成三个方阵")]
    code_quotes(sqlite_cli, tmp_path, {"a.txt": CODED}, {"20240115MJQ": quotes})
    project = Project.open(sqlite_cli.url)
    monkeypatch.setattr(training, "RETRAIN_AFTER", 2)
    assert not project.retrain_in_background()  # one decision so far
    write(tmp_path / "more" / "b.txt", interview("20240129WJG", NOTICES))
    assert sqlite_cli("import", str(tmp_path / "more")).exit_code == 0
    assert (
        sqlite_cli(
            "code",
            "add",
            "--source",
            "20240129WJG",
            "--start",
            "4",
            "--end",
            "10",
            "--code",
            PUBLISHED,
            "--coder",
            "研究者A",
        ).exit_code
        == 0
    )
    started = time.perf_counter()
    assert project.retrain_in_background()
    assert time.perf_counter() - started < 1.0  # the page never waits for training
    assert not project.retrain_in_background()  # one training at a time
    deadline = time.monotonic() + 120
    while background.training(project.engine) and time.monotonic() < deadline:
        time.sleep(0.2)
    log = (training.models_dir(project.engine) / "training.log").read_text(encoding="utf-8")
    assert project.suggester()["model"]["version"] == "suggester-0001", log
    assert not training.retrain_due(project.engine)
    assert Path(training.models_dir(project.engine), "suggester-0001", learned.META).is_file()


def test_decisions_in_an_open_round_do_not_move_the_others_suggestions(cli, tmp_path):
    write(tmp_path / "corpus" / "a.txt", interview("20240129WJG", NOTICES))
    assert cli("import", str(tmp_path / "corpus")).exit_code == 0
    assert cli("tag").exit_code == 0
    before = suggested(cli, "20240129WJG")
    assert cli("round", "open", "第一轮", "--source", "20240129WJG", "--coder", "研究者A").exit_code == 0
    assert cli("review", "reject", "--source", "20240129WJG", "--code", PUBLISHED, "--coder", "研究者A").exit_code == 0
    assert json.loads(cli("tag", "--json").stdout)["pairs"] == 0  # no weight moved
    assert Project.open(cli.url).term_histories() == []
    assert [r["score"] for r in suggested(cli, "20240129WJG")] == [r["score"] for r in before]


def test_eval_leaves_out_decisions_on_the_held_out_sources(cli, tmp_path):
    write(tmp_path / "corpus" / "a.txt", interview("20240129WJG", NOTICES))
    assert cli("import", str(tmp_path / "corpus")).exit_code == 0
    assert cli("tag").exit_code == 0
    body = {"source": "20240129WJG", "codings": [{"code": PUBLISHED, "quote": "结果要公示给大家。"}]}
    write(tmp_path / "gold" / "a.yaml", json.dumps(body, ensure_ascii=False))
    before = json.loads(cli("eval", "--gold", str(tmp_path / "gold"), "--json").stdout)
    assert cli("review", "reject", "--source", "20240129WJG", "--code", PUBLISHED, "--coder", "研究者A").exit_code == 0
    after = json.loads(cli("eval", "--gold", str(tmp_path / "gold"), "--json").stdout)
    assert after["code_micro"] == before["code_micro"]  # the rejections there would have taught the test


def test_a_failed_training_is_kept_and_not_retried_at_every_decision(sqlite_cli, tmp_path, monkeypatch):
    write(tmp_path / "corpus" / "a.txt", interview("20240129WJG", NOTICES))
    assert sqlite_cli("import", str(tmp_path / "corpus")).exit_code == 0
    assert sqlite_cli("tag").exit_code == 0
    monkeypatch.setattr(training, "RETRAIN_AFTER", 2)
    reject = ("review", "reject", "--source", "20240129WJG", "--code", PUBLISHED, "--coder", "研究者A")
    assert sqlite_cli(*reject).exit_code == 0  # four negatives, no positive
    project = Project.open(sqlite_cli.url)
    assert training.retrain_due(project.engine)
    assert sqlite_cli("train").exit_code == 1
    failure = project.suggester()["failure"]
    assert "training needs positives" in failure["en"] and "正例" in failure["zh"]
    assert not training.retrain_due(project.engine)  # not again until RETRAIN_AFTER more decisions


def test_a_code_the_model_never_saw_keeps_its_keyword_suggestions(cli, tmp_path):
    code_quotes(cli, tmp_path, {"a.txt": CODED}, {"20240115MJQ": [("structure.tiering", "按比例分成三个方阵")]})
    assert cli("tag").exit_code == 0
    decide_everything(cli, "20240115MJQ")
    assert cli("train").exit_code == 0
    assert cli("suggester", "combined").exit_code == 0
    book = (cli.folder / "codebook.yaml").read_text(encoding="utf-8")
    new_code = """
  - id: action.canteen
    name: 食堂
    parent: action
    definition: 测试用：关于食堂的说法。
    keywords: [食堂饭菜]
"""
    (cli.folder / "codebook.yaml").write_text(book.rstrip("\n") + "\n" + new_code, encoding="utf-8")
    write(tmp_path / "more" / "b.txt", interview("20240129WJG", "WJG：食堂饭菜的事大家都在说。"))
    assert cli("import", str(tmp_path / "more")).exit_code == 0
    synced = cli("codebook", "sync")
    assert synced.exit_code == 0, synced.output
    assert cli("tag").exit_code == 0
    assert len(suggested(cli, "20240129WJG", "action.canteen")) == 1


def test_a_model_the_project_names_but_this_machine_lacks_is_refused(cli, tmp_path, monkeypatch):
    code_quotes(cli, tmp_path, {"a.txt": CODED}, {"20240115MJQ": [("structure.tiering", "按比例分成三个方阵")]})
    assert cli("train").exit_code == 0
    assert cli("suggester", "combined").exit_code == 0
    monkeypatch.setenv("QCODER_MODELS_DIR", str(tmp_path / "elsewhere"))
    result = cli("tag")
    assert result.exit_code == 1 and "suggester-0001" in result.output and "QCODER_MODELS_DIR" in result.output


def test_two_trainings_at_once_get_two_versions(tmp_path):
    tagger = Tagger([type("C", (), {"id": "a.x", "keywords": ["排名"], "exclude": []})()])
    nlp = learned.fit(tagger, [learned.Labelled("排名。", {"a.x": 1.0})], ["a.x"], epochs=1)
    (tmp_path / "suggester-0001.partial").mkdir()  # another training is writing version 1
    assert learned.save_new(nlp, tmp_path, {}) == "suggester-0002"
    assert learned.save_new(nlp, tmp_path, {}) == "suggester-0003"
    assert json.loads((tmp_path / "suggester-0003" / learned.META).read_text())["version"] == "suggester-0003"


def test_only_the_owner_chooses_the_suggester(sqlite_cli):
    for who, role in (("负责人", "owner"), ("编码员乙", "coder")):
        added = sqlite_cli("user", "add", who, "--role", role, "--password-stdin", input="长长的口令123\n")
        assert added.exit_code == 0, added.output
    assert sqlite_cli("team", "on").exit_code == 0
    coder = Project.open(sqlite_cli.url).for_user("编码员乙")
    with pytest.raises(QcoderError):
        coder.set_suggester("combined")
    Project.open(sqlite_cli.url).for_user("负责人").set_suggester("combined")
    assert Project.open(sqlite_cli.url).suggester()["mode"] == "combined"
