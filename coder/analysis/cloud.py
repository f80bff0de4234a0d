"""A word cloud of a selection's top terms, drawn with a font that has Chinese characters.

The ``wordcloud`` package draws with whatever font it is given; a font without CJK glyphs turns every
hanzi into an empty box. So the font is looked for — ``QCODER_CJK_FONT``, then fontconfig's list of fonts
that cover Chinese (``fc-list :lang=zh``), then well-known files on Debian, macOS and Windows — and when
none is found the cloud is refused with a message saying how to get one, never drawn in boxes.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

from coder.errors import QcoderError

KNOWN_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)
_FONT_FILES = (".ttf", ".ttc", ".otf", ".otc")


def cjk_font() -> Path:
    """A font file with Chinese glyphs, or a QcoderError naming what to install."""
    chosen = os.environ.get("QCODER_CJK_FONT")
    if chosen and Path(chosen).is_file():
        return Path(chosen)
    for candidate in (*_fontconfig(), *map(Path, KNOWN_FONTS)):
        if candidate.is_file():
            return candidate
    raise QcoderError(
        "找不到含中文字形的字体，无法绘制词云（否则汉字会显示为方框）：请安装 fonts-wqy-zenhei "
        "（apt-get install fonts-wqy-zenhei），或用环境变量 QCODER_CJK_FONT 指定字体文件",
        "no font with Chinese glyphs was found, so no word cloud is drawn (hanzi would show as boxes): install "
        "fonts-wqy-zenhei (apt-get install fonts-wqy-zenhei) or name a font file in QCODER_CJK_FONT",
    )


def _fontconfig() -> list[Path]:
    """Fonts fontconfig says cover Chinese (``fc-match`` alone would name a Latin fallback)."""
    if shutil.which("fc-list") is None:
        return []
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    paths = [Path(line.split(":")[0].strip()) for line in listed.splitlines() if line.strip()]
    return sorted((p for p in paths if p.suffix.lower() in _FONT_FILES), key=str)


def word_cloud(frequencies: dict[str, int], width: int = 900, height: int = 480) -> bytes:
    """A PNG of ``frequencies`` (term → count), the same picture every time for the same counts."""
    from wordcloud import WordCloud  # imported here: only the cloud needs it (and matplotlib behind it)

    if not frequencies:
        raise QcoderError("所选内容中没有可统计的词，无法绘制词云", "no words to draw: the selection has none counted")
    cloud = WordCloud(
        font_path=str(cjk_font()), width=width, height=height, background_color="white", prefer_horizontal=0.95,
        random_state=7, colormap="tab10", collocations=False,
    )  # fmt: skip
    image = cloud.generate_from_frequencies(frequencies).to_image()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
