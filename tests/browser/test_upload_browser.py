"""Uploading in the real app: each file shows the ID it will get, is kept once under the kind it was
imported as, and a later upload never keeps the earlier files again."""

from pathlib import Path

import pytest

from coder.demo import CORPUS
from tests.browser.browsing import settle, shot, tagged_project
from tests.helpers import write

pytestmark = pytest.mark.browser
POLICY = "---\nkind: policy\ndate: 2022-04-01\ntitle: 干部绩效动态考核实施办法\n---\n第一条　考核每季度进行一次。\n"
INTERVIEW = (
    "---\nkind: interview\ndate: 2024-03-05\ninterviewee: 单晓明\n---\n访谈者：您好。\nSXM：石桥镇的考核改了三次。\n"
)
MEDIA = "本报讯　石桥镇推行干部绩效动态考核，群众满意度明显提高。\n"


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("upload")
    return tagged_project(folder, CORPUS / "interviews" / "20240110ZLM.txt")


@pytest.fixture(scope="module")
def corpus(database) -> Path:
    return Path(database.removeprefix("sqlite:///")).parent / "corpus"


def kept(corpus: Path) -> list[str]:
    return sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*") if p.is_file())


def upload(page, *files: Path) -> None:
    settle(page)  # the run that replaced the uploader has finished: there is one uploader, and it is empty
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(f) for f in files])
    settle(page)


def test_the_upload_area_shows_the_id_each_file_will_get_before_importing(page, corpus, tmp_path):
    from playwright.sync_api import expect

    page.goto(f"{page.base}/sources")
    page.get_by_text("上传文件").click()
    expect(page.get_by_text("记录编号", exact=False).first).to_be_visible(timeout=20_000)
    upload(page, write(tmp_path / "policy1.txt", POLICY), write(tmp_path / "单晓明访谈.txt", INTERVIEW))
    table = page.locator('[data-testid="stDataFrame"]').first
    expect(table.get_by_text("20220401-P01", exact=True)).to_have_count(1, timeout=20_000)
    expect(table.get_by_text("20240305SXM", exact=True)).to_have_count(1)
    assert kept(corpus) == []  # shown, not kept
    shot(page, "upload_preview")


def test_importing_keeps_each_file_once_under_its_kind_and_id(page, corpus):
    from playwright.sync_api import expect

    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.get_by_text("已导入：20220401-P01 ← policy1.txt")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("已导入：20240305SXM ← 单晓明访谈.txt")).to_be_visible()
    assert kept(corpus) == ["interviews/20240305SXM_单晓明访谈.txt", "policy/20220401-P01_policy1.txt"]


def test_a_later_upload_under_another_kind_never_keeps_the_earlier_files_again(page, corpus, tmp_path):
    from playwright.sync_api import expect

    page.get_by_label("默认类型（可在表中逐个修改）").click()
    page.get_by_role("option", name="媒体报道").click()
    settle(page)
    upload(page, write(tmp_path / "石桥镇考核改革报道 2023-02-18.txt", MEDIA))
    table = page.locator('[data-testid="stDataFrame"]').first
    expect(table.get_by_text("20230218-M01", exact=True)).to_have_count(1, timeout=20_000)
    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.get_by_text("已导入：20230218-M01", exact=False)).to_be_visible(timeout=30_000)
    assert kept(corpus) == [
        "interviews/20240305SXM_单晓明访谈.txt",
        "media/20230218-M01_石桥镇考核改革报道 2023-02-18.txt",
        "policy/20220401-P01_policy1.txt",
    ]
    assert page.dialogs == []


def test_the_same_file_uploaded_again_is_neither_kept_nor_imported_twice(page, corpus, tmp_path):
    from playwright.sync_api import expect

    upload(page, write(tmp_path / "again" / "policy1.txt", POLICY))
    table = page.locator('[data-testid="stDataFrame"]').first
    expect(table.get_by_text("已在项目中（20220401-P01）", exact=False)).to_have_count(1, timeout=20_000)
    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.get_by_text("已在项目中，未变：20220401-P01 ← policy1.txt")).to_be_visible(timeout=30_000)
    assert len(kept(corpus)) == 3
