"""Saved web pages: the article without navigation, decoded by its declared charset, and what the page states."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from coder.sources import webpage
from coder.sources.textfile import FileProblem, read_document
from tests.helpers import write

ARTICLE = [
    "记者从石桥镇获悉，该镇自去年起推行干部绩效动态考核，考核结果按季度公示，与评优评先直接挂钩。",
    "镇党委书记介绍，考核采用“三亮三评一运用”方式：亮身份、亮承诺、亮实绩，群众评、同事评、组织评，结果运用于干部选拔任用。",
    "“以前考核就是走过场，现在排名都公示出来了，大家的干劲明显更足。”一位村干部说。",
    "据统计，2022年全镇共有12名干部因考核优秀获得提拔，3名干部因考核不称职被调整岗位。",
]
NAVIGATION = [
    "首页",
    "新闻中心",
    "政务公开",
    "热点排行",
    "某地举办迎春灯会",
    "网友评论",
    "这个办法好，值得推广！",
    "京ICP备00000000号",
]


def page(head: str = "", byline: str = "2023-01-10 09:30 来源：某某日报 作者：林晓", sidebar: str = "") -> str:
    """A news page as a browser saves it: the saved-from comment, navigation, sidebar, comments, footer."""
    paragraphs = "".join(f"<p>{p}</p>" for p in ARTICLE)
    return f"""<!DOCTYPE html>
<!-- saved from url=(0052)https://news.example.cn/local/2023-01/10/c_12345.htm -->
<html><head>{head}<title>石桥镇推行干部绩效动态考核_地方新闻_某某网</title></head><body>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/news">新闻中心</a></li>
<li><a href="/gov">政务公开</a></li></ul></div>
<div class="sidebar"><h3>热点排行</h3><ul><li><a href="/a">某地举办迎春灯会 {sidebar}</a></li>
<li><a href="/b">春运首日客流平稳</a></li></ul></div>
<div class="article"><h1>石桥镇推行干部绩效动态考核</h1><div class="info">{byline}</div>{paragraphs}</div>
<div class="comments"><h3>网友评论</h3><p>网友甲：这个办法好，值得推广！</p></div>
<div class="footer"><p>版权所有 &copy; 2021-2023 某某网 京ICP备00000000号</p><p>联系我们 | 网站地图</p></div>
</body></html>"""


def test_a_gbk_page_gives_its_article_without_navigation_and_what_it_states(tmp_path):
    path = write(tmp_path / "报道.html", page('<meta charset="gbk">').encode("gbk"))
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    document = read_document(path)
    assert document.text == "\n".join(ARTICLE)
    for boilerplate in NAVIGATION:
        assert boilerplate not in document.text
    assert document.facts == {
        "title": "石桥镇推行干部绩效动态考核",
        "date": dt.date(2023, 1, 10),
        "outlet": "某某日报",
        "author": "林晓",
        "url": "https://news.example.cn/local/2023-01/10/c_12345.htm",
    }
    assert document.date_from == webpage.BYLINE_DATE_FROM


def test_a_gb18030_page_without_a_declared_charset_is_decoded_by_the_cascade(tmp_path):
    rare = "据介绍，考核由𠮷村率先试点。"  # 𠮷 is a four-byte GB18030 sequence, beyond GBK
    html = page(byline="").replace(f"<p>{ARTICLE[0]}</p>", f"<p>{ARTICLE[0]}</p><p>{rare}</p>")
    path = write(tmp_path / "报道.htm", html.encode("gb18030"))
    document = read_document(path)
    assert document.text == "\n".join([ARTICLE[0], rare, *ARTICLE[1:]])
    assert "date" not in document.facts and document.date_from is None  # the page states none (© is no date)


def test_a_page_saved_again_as_utf8_is_not_read_by_its_old_gbk_declaration(tmp_path):
    path = write(tmp_path / "报道.html", page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'))
    assert read_document(path).text == "\n".join(ARTICLE)


def test_the_byline_date_wins_over_a_sidebar_time_stamp_and_metadata_fill_the_rest(tmp_path):
    head = (
        '<meta charset="utf-8"><meta property="og:site_name" content="某某网">'
        '<link rel="canonical" href="https://news.example.cn/canonical.htm"><meta name="author" content="林晓">'
    )
    html = page(head, byline="发布时间：2023年1月10日 09:30", sidebar="2022-12-30 08:00")
    document = read_document(write(tmp_path / "报道.html", html))
    assert document.facts["date"] == dt.date(2023, 1, 10)
    assert document.facts["outlet"] == "某某网"
    assert document.facts["author"] == "林晓"
    assert document.facts["url"] == "https://news.example.cn/canonical.htm"


def test_the_government_site_metadata_names_the_outlet_and_the_date(tmp_path):
    head = '<meta name="ContentSource" content="某某县人民政府办公室"><meta name="PubDate" content="2023-01-09 10:00">'
    document = read_document(write(tmp_path / "公告.html", page(head, byline="")))
    assert document.facts["outlet"] == "某某县人民政府办公室"
    assert document.facts["date"] == dt.date(2023, 1, 9)
    assert document.date_from == webpage.PAGE_DATE_FROM


def test_a_page_without_an_article_is_refused_by_name(tmp_path):
    html = (
        "<html><head><title>首页</title></head><body><ul><li><a href='/'>首页</a></li>"
        "<li><a href='/news'>新闻中心</a></li></ul><script>var a=1;</script></body></html>"
    )
    path = write(tmp_path / "空.html", html)
    with pytest.raises(FileProblem, match="no article text found") as caught:
        read_document(path)
    assert str(path) in caught.value.zh and str(path) in caught.value.en


def test_a_saved_page_imports_through_qcoder_import_with_its_outlet_and_url(cli, tmp_path):
    path = write(tmp_path / "media" / "20230110-M03_报道.html", page('<meta charset="gbk">').encode("gbk"))
    result = cli("import", str(tmp_path / "media"), "--json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)["results"]
    assert (row["status"], row["id"]) == ("imported", "20230110-M03")
    shown = json.loads(cli("sources", "show", "20230110-M03", "--json").stdout)
    assert shown["text"] == read_document(path).text == "\n".join(ARTICLE)
    assert shown["title"] == "石桥镇推行干部绩效动态考核"
    assert shown["meta"]["outlet"] == "某某日报"
    assert shown["meta"]["url"] == "https://news.example.cn/local/2023-01/10/c_12345.htm"
