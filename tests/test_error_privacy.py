"""A database's refusal never shows its SQL parameters (names, transcript text), nor a URL's password."""

import json

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import IntegrityError

from coder.db.engine import make_engine
from coder.db.redact import describe, display_url
from coder.sources import corpus
from coder.sources.corpus import ParsedSource
from tests.conftest import PG_URL
from tests.helpers import INTERVIEW, Cli, write

NAME = "王秘密"
TRANSCRIPT = "受访者：这是只应留在本机的访谈内容。"
POSTGRES_ONLY = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # SQLite stores NUL as given


def parsed(path, role="书记", title=None):
    """What read_source would hand on for a file whose front matter slipped past its checks."""
    return ParsedSource(
        id="20240115WMM", kind="interview", text=TRANSCRIPT, path=path, date=None, title=title,
        meta={"role": role}, sha256="0" * 64, person_name=NAME, person_key=f"name:{NAME}", initials="WMM",
    )  # fmt: skip


@pytest.mark.postgres
@POSTGRES_ONLY
@pytest.mark.parametrize("bad", ["role", "title"], ids=["participant-row", "source-row"])
def test_a_refused_row_is_reported_without_the_name_or_the_text(cli, tmp_path, monkeypatch, bad):
    path = write(tmp_path / "interviews" / "20240115WMM.txt", "placeholder")
    source = parsed(path, role="书记\x00" if bad == "role" else "书记", title="标题\x00" if bad == "title" else None)
    monkeypatch.setattr(corpus, "read_source", lambda *_args, **_kwargs: source)
    for args in (("import", str(path)), ("import", str(path), "--json")):
        result = cli(*args)
        assert result.exit_code == 1
        assert NAME not in result.output and TRANSCRIPT not in result.output and "[SQL" not in result.output
        refused = "import failed, nothing was written (DataError: PostgreSQL text fields cannot contain NUL"
        assert refused in result.output and str(path) in result.output
    assert json.loads(result.stdout)["failed"] == 1


@pytest.mark.postgres
@POSTGRES_ONLY
def test_a_refused_write_from_a_command_shows_the_drivers_message_only(cli, tmp_path):
    assert cli("import", str(write(tmp_path / "interviews" / "20240115MJQ.txt", INTERVIEW))).exit_code == 0
    secret = f"{NAME}说的备忘\x00"
    memo = cli("code", "add", "--source", "20240115MJQ", "--start", "0", "--end", "3", "--code",
               "scenario.backstage", "--memo", secret)  # fmt: skip
    claim = cli("claim", "add", secret, "--code", "scenario.backstage")
    for result in (memo, claim):
        assert result.exit_code == 1, result.output
        assert NAME not in result.output and "[SQL" not in result.output
        assert "DataError: PostgreSQL text fields cannot contain NUL (0x00) bytes" in result.output


def test_a_duplicate_is_described_without_the_value_postgresql_quotes(db_url):
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE secret_t (k VARCHAR PRIMARY KEY)"))
        connection.execute(text("INSERT INTO secret_t VALUES (:k)"), {"k": NAME})
    with pytest.raises(IntegrityError) as duplicate, engine.begin() as connection:
        connection.execute(text("INSERT INTO secret_t VALUES (:k)"), {"k": NAME})
    engine.dispose()
    assert "SQL parameters hidden" in str(duplicate.value)  # the engine never renders them, even in a trace
    described = describe(duplicate.value)
    assert NAME not in described and "SQL" not in described
    assert described in {
        'UniqueViolation: duplicate key value violates unique constraint "secret_t_pkey"',
        "IntegrityError: UNIQUE constraint failed: secret_t.k",
    }


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://postgres@127.0.0.1:5432/x?password=s3cretPW&sslmode=prefer",
        "postgresql+psycopg://postgres:s3cretPW@127.0.0.1:5432/x?PWD=s3cretPW&passwd=s3cretPW",
        "postgresql+psycopg://postgres:s3cretPW@127.0.0.1:notaport/x",
        "postgresql+psycopg://postgres:s3cret/Zq9x@127.0.0.1:notaport/x",  # unparseable, "/" in the password
        "postgresql+psycopg://postgres:s3cret@Zq9x@127.0.0.1:5432/x",  # parsed as password s3cret, host Zq9x@…
        make_url("postgresql+psycopg://postgres:s3cret@Zq9x@127.0.0.1:5432/x"),
    ],
    ids=["query", "userinfo-and-query", "bad-port", "slash-in-password", "at-in-password", "at-in-password-parsed"],
)
def test_a_url_is_shown_with_every_password_hidden_and_its_database_named(url):
    shown = display_url(url)
    assert "s3cret" not in shown and "Zq9x" not in shown  # no part of the password either side of a "/" or "@"
    assert shown.startswith("postgresql+psycopg://postgres") and "@127.0.0.1:" in shown and "/x" in shown


def test_a_password_with_an_at_sign_is_hidden_in_the_drivers_message_too(tmp_path):
    """SQLAlchemy ends the password at its first "@" and hands the rest to the driver as part of the host
    name, which the driver quotes when it cannot resolve it: no server is needed to see that."""
    result = Cli("postgresql+psycopg://postgres:s3cret@Zq9x@127.0.0.1:5432/x", tmp_path)("sources", "list")
    assert result.exit_code == 1, result.output
    assert "failed to resolve host '***@127.0.0.1'" in result.output
    assert "s3cret" not in result.output and "Zq9x" not in result.output


@pytest.mark.postgres
@pytest.mark.parametrize("form", ["query", "userinfo"])
def test_a_missing_database_is_named_but_the_password_never_printed(tmp_path, form):
    if not PG_URL:
        pytest.skip("QCODER_TEST_PG_URL is not set")
    server = make_url(PG_URL).set(database="qcoder_no_such_database", password=None)
    url = server.set(query={"password": "s3cretPW"}) if form == "query" else server.set(password="s3cretPW")
    run = Cli(url.render_as_string(hide_password=False), tmp_path)
    for args in (("init",), ("sources", "list", "--json"), ("user", "unlock", "someone")):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert "s3cretPW" not in result.output
        assert "cannot use database" in result.output and "qcoder_no_such_database" in result.output
