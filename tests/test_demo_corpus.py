"""The demo corpus imports cleanly, follows the conventions it demonstrates, and its gold set is usable."""

import json
from collections import Counter

import pytest
import yaml

from coder import codebook
from coder.demo import CODEBOOK, CORPUS
from coder.demo import GOLD as GOLD_FOLDER
from coder.sources.textfile import read_text

GOLD = sorted(GOLD_FOLDER.rglob("*.yaml"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo project, built once for this module the way `make run` builds it."""
    from tests.helpers import Cli

    folder = tmp_path_factory.mktemp("demo")
    (folder / "codebook.yaml").write_text(CODEBOOK.read_text(encoding="utf-8"), encoding="utf-8")
    cli = Cli(f"sqlite:///{folder / 'demo.sqlite'}", folder)
    assert cli("init").exit_code == 0
    result = cli("import", str(CORPUS), "--json")
    assert result.exit_code == 0, result.stdout
    return cli, json.loads(result.stdout)["results"]


def test_every_demo_file_imports_without_warnings(demo):
    _, results = demo
    assert [r for r in results if r["status"] != "imported" or r["warnings"]] == []


def test_the_corpus_has_the_promised_shape(demo):
    cli, _ = demo
    sources = json.loads(cli("sources", "list", "--json").stdout)
    kinds = Counter(s["kind"] for s in sources)
    assert kinds["interview"] >= 12 and kinds["policy"] >= 4 and kinds["media"] >= 5
    for s in sources:
        if s["kind"] == "interview":
            assert 2000 <= s["characters"] <= 6000, s["id"]
            assert s["turns"] > 10
    ids = {s["id"] for s in sources}
    assert {"20240115ZW", "20240115ZW-2"} <= ids  # same day, same initials, two people


def test_the_encodings_and_formats_are_all_represented():
    interviews = CORPUS / "interviews"
    assert list(interviews.glob("*.docx"))
    gbk = [p for p in interviews.glob("*.txt") if not _is_utf8(p.read_bytes())]
    assert gbk and all(p.read_bytes().decode("gbk") for p in gbk)


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_every_file_is_marked_synthetic():
    sources = [p for p in CORPUS.rglob("*") if p.suffix in {".txt", ".docx"}]
    assert len(sources) >= 21
    for path in sources:
        assert "synthetic: true" in read_text(path), path


def test_gold_quotes_are_exact_quotes_of_known_codes(demo):
    cli, _ = demo
    known = {c.id for c in codebook.load(CODEBOOK).codes}
    kinds = Counter()
    for path in GOLD:
        gold = yaml.safe_load(path.read_text(encoding="utf-8"))
        shown = json.loads(cli("sources", "show", gold["source"], "--json").stdout)
        kinds[shown["kind"]] += 1
        for item in gold["codings"]:
            assert item["code"] in known, (path.name, item["code"])
            assert item["quote"] in shown["text"], (path.name, item["quote"])
    assert kinds["interview"] >= 6 and kinds["policy"] >= 2 and kinds["media"] >= 2
