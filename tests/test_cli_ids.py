"""`qcoder id make|check`: the convention from the command line."""

import json

from tests.helpers import INTERVIEW, write


def test_id_make_prints_the_record_id(sqlite_cli):
    result = sqlite_cli("id", "make", "--date", "2024-01-15", "--name", "马继强")
    assert result.exit_code == 0
    assert result.stdout.strip() == "20240115MJQ"
    assert "强" in result.stderr  # 强 reads qiang or jiang: a warning, on stderr


def test_id_make_json_carries_warnings(sqlite_cli):
    made = json.loads(sqlite_cli("id", "make", "--date", "2024-01-15", "--name", "单海林", "--json").stdout)
    assert made == {"id": "20240115SHL", "initials": "SHL", "warnings": []}


def test_id_make_checks_the_project_for_collisions(sqlite_cli, tmp_path):
    write(
        tmp_path / "interviews" / "20240115ZW.txt",
        INTERVIEW.replace("20240115MJQ", "20240115ZW").replace("马继强", "张伟"),
    )
    assert sqlite_cli("import", str(tmp_path / "interviews")).exit_code == 0
    refused = sqlite_cli("id", "make", "--date", "2024-01-15", "--name", "赵文")
    assert refused.exit_code == 1 and "20240115ZW already exists" in refused.stderr
    suffixed = sqlite_cli("id", "make", "--date", "2024-01-15", "--name", "赵文", "--suffix")
    assert suffixed.stdout.strip() == "20240115ZW-2"


def test_id_make_refuses_an_unreal_date(sqlite_cli):
    result = sqlite_cli("id", "make", "--date", "2023-02-29", "--name", "马继强")
    assert result.exit_code == 1 and "2023-02-29" in result.stderr


def test_id_check_exit_codes(sqlite_cli):
    assert sqlite_cli("id", "check", "20240115MJQ").exit_code == 0
    bad = sqlite_cli("id", "check", "20240230MJQ")
    assert bad.exit_code == 1
    assert "not a real calendar date" in bad.stderr and "不是真实存在的日期" in bad.stderr
    policy = json.loads(sqlite_cli("id", "check", "20230110-P03", "--json").stdout)
    assert (policy["kind"], policy["date"], policy["number"]) == ("policy", "2023-01-10", 3)


def test_document_ids_take_the_next_number_of_their_kind(sqlite_cli, tmp_path):
    write(tmp_path / "in" / "policy" / "20220315-P01.txt", "第一条 总则。")
    write(tmp_path / "in" / "policy" / "20230110-P03.txt", "第一条 方阵。")
    write(tmp_path / "in" / "media" / "20230218-M01.txt", "本报讯。")
    assert sqlite_cli("import", str(tmp_path / "in")).exit_code == 0
    policy = sqlite_cli("id", "make", "--date", "2023-04-20", "--kind", "policy")
    media = sqlite_cli("id", "make", "--date", "2023-06-05", "--kind", "media", "--json")
    assert policy.stdout.strip() == "20230420-P04"
    assert json.loads(media.stdout)["id"] == "20230605-M02"
    assert sqlite_cli("id", "make", "--date", "2099-01-01", "--kind", "media").exit_code == 1
