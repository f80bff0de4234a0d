"""What the CLI prints for people shows control characters escaped, so a file name, a title or a transcript
cannot clear or recolour the terminal; ``--json`` keeps every string exact."""

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from coder.controls import CONTROL, escaped, json_escaped
from tests.helpers import write

EVIL_NAME = "evil\x1b[2J\x1b[31mname.txt"
# YAML's double-quoted "\e" is ESC and "\u202e" a right-to-left override: front matter can carry both.
FRONT = (
    '---\nid: 20240115MJQ\nkind: interview\ndate: 2024-01-15\ntitle: "标题\\e[2J\\u202e"\nrole: "书记\\x9b31m"\n---\n'
)
TURN = "访谈者：请谈谈考核改革的情况，以及街道办在其中的作用。\n"
BODY = TURN * 20 + "MJQ：以前\x1b[31m考核\x07就是走过场。\t好\n"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[2J", "\\x1b[2J"),
        ("\x00\x08\x0b\x0c\r\x1f", "\\x00\\x08\\x0b\\x0c\\x0d\\x1f"),
        ("\x7f\x80\x9b\x9f", "\\x7f\\x80\\x9b\\x9f"),
        ("txt\u202eexe\u202a\u2066\u2069", "txt\\u202eexe\\u202a\\u2066\\u2069"),
        ("\udcd6\udcd0.txt", "\\udcd6\\udcd0.txt"),  # a GBK file name read on Linux: not even printable
        ("C:\\x1b", "C:\\\\x1b"),  # a backslash is doubled, so it never reads as an escape
        ("访谈\t记录\n第二行 ü ✓", "访谈\t记录\n第二行 ü ✓"),
    ],
)
def test_control_characters_are_shown_escaped_and_tab_newline_and_text_are_kept(raw, shown):
    assert escaped(raw) == shown
    assert not CONTROL.search(escaped(raw).replace("\t", "").replace("\n", ""))


def test_json_leaves_del_c1_bidi_and_surrogates_raw_so_they_are_escaped_and_still_parse_back_exactly():
    value = "a\x1b\x7f\x9b\u202e\u2066\udcd6\\b"
    plain = json.dumps(value, ensure_ascii=False)
    assert "\x9b" in plain and "\u202e" in plain and "\x1b" not in plain  # what json.dumps does by itself
    document = json_escaped(plain)
    assert not CONTROL.search(document)
    assert json.loads(document) == value


def imported(cli, tmp_path: Path) -> dict:
    path = write(tmp_path / "corpus" / "interviews" / EVIL_NAME, FRONT + BODY)
    result = cli("import", str(path.parent))
    assert result.exit_code == 0, result.output
    assert not CONTROL.search(result.stdout + result.stderr)
    assert "interviews/evil\\x1b[2J\\x1b[31mname.txt" in result.stdout
    return json.loads(cli("sources", "show", "20240115MJQ", "--json").stdout)


def test_sources_show_escapes_the_file_name_metadata_and_text_but_keeps_the_layout(sqlite_cli, tmp_path):
    imported(sqlite_cli, tmp_path)
    shown = sqlite_cli("sources", "show", "20240115MJQ")
    assert shown.exit_code == 0
    assert not CONTROL.search(shown.stdout)
    assert "title: 标题\\x1b[2J\\u202e\n" in shown.stdout
    assert "filename: " in shown.stdout and "evil\\x1b[2J\\x1b[31mname.txt\n" in shown.stdout
    assert "role: 书记\\x9b31m\n" in shown.stdout
    # The line breaks stay, and the tab lays out as a tab does (rich expands it to spaces).
    assert re.search(r"\nMJQ：以前\\x1b\[31m考核\\x07就是走过场。\s+好\n", shown.stdout)
    assert shown.stdout.count(TURN) == 20
    listed = sqlite_cli("sources", "list")
    assert not CONTROL.search(listed.stdout) and "标题\\x1b[2J\\u202e" in listed.stdout


def test_json_output_keeps_every_string_exact(sqlite_cli, tmp_path):
    detail = imported(sqlite_cli, tmp_path)
    assert detail["title"] == "标题\x1b[2J\u202e"
    assert detail["filename"].endswith(EVIL_NAME)
    assert detail["meta"]["role"] == "书记\x9b31m"
    assert "以前\x1b[31m考核\x07就是走过场。\t好" in detail["text"]
    raw = sqlite_cli("sources", "show", "20240115MJQ", "--json").stdout
    assert not CONTROL.search(raw)


def test_an_error_quoting_a_file_name_shows_it_escaped(sqlite_cli, tmp_path):
    bad = write(tmp_path / "corpus" / "2024011\x1b[2JX.txt", BODY)  # no front matter: the name is no record ID
    result = sqlite_cli("import", str(bad))
    assert result.exit_code == 1
    assert not CONTROL.search(result.stdout + result.stderr)
    assert "2024011\\x1b[2JX.txt" in result.stderr
    missing = sqlite_cli("import", str(tmp_path / "nope\x1b[2J"))
    assert missing.exit_code == 1 and "nope\\x1b[2J" in missing.stderr and not CONTROL.search(missing.stderr)


def on_a_terminal(cli, *args: str) -> bytes:
    """What ``qcoder ARGS`` shows on a real terminal (a pseudo-terminal: rich draws its tables there)."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "300", "LINES": "50", "TERM": "xterm-256color"}
    qcoder = Path(sys.executable).with_name("qcoder")
    process = subprocess.Popen(
        [str(qcoder), "--db", cli.url, *args], stdout=follower, stderr=subprocess.PIPE, cwd=cli.folder, env=env
    )
    os.close(follower)
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the command exits
            break
        if not chunk:
            break
        screen += chunk
    os.close(leader)
    assert process.wait(timeout=60) == 0, process.stderr.read()
    assert "│" in screen.decode()  # rich drew its table: this is the terminal path, not the pipe one
    return screen


def test_the_table_on_a_real_terminal_shows_the_escapes_instead_of_obeying_them(sqlite_cli, tmp_path):
    imported(sqlite_cli, tmp_path)
    screen = on_a_terminal(sqlite_cli, "sources", "list")
    assert b"\x1b[2J" not in screen and b"\xc2\x9b" not in screen and "\u202e".encode() not in screen
    assert "标题\\x1b[2J\\u202e".encode() in screen


def test_column_headers_on_a_real_terminal_show_a_coders_name_escaped(sqlite_cli, tmp_path):
    imported(sqlite_cli, tmp_path)
    for coder in ("甲\x1b[2J\u202e", "乙"):
        span = ["--source", "20240115MJQ", "--start", "0", "--end", "3", "--code", "structure.tiering"]
        assert sqlite_cli("code", "add", *span, "--coder", coder).exit_code == 0
    screen = on_a_terminal(sqlite_cli, "icr")
    assert b"\x1b[2J" not in screen and "\u202e".encode() not in screen
    assert "甲\\x1b[2J\\u202e".encode() in screen


def test_only_a_database_drivers_failed_import_is_reported_as_a_database_problem():
    """Imports now happen inside commands: a broken install must show its own traceback, not "cannot use database"."""
    from coder.cli.common import _database_error

    assert _database_error(ModuleNotFoundError("No module named 'psycopg'", name="psycopg"))
    assert not _database_error(ModuleNotFoundError("No module named 'coder.gone'", name="coder.gone"))
    assert not _database_error(ValueError("not a database problem"))
