"""A word cloud of a selection's top terms, drawn with a font that has Chinese characters.

The ``wordcloud`` package draws with whatever font it is given; a font without CJK glyphs turns every
hanzi into an empty box. So the font is looked for — ``QCODER_CJK_FONT``, then fontconfig's list of fonts
that cover Chinese (``fc-list :lang=zh``), then well-known files on Debian, macOS and Windows — and when
none is found the cloud is refused with a message saying how to get one, never drawn in boxes. A font
named in ``QCODER_CJK_FONT`` is the researcher's explicit choice: when that file is missing, or maps no
glyph to 中, the cloud is refused naming it rather than drawn with another font or in boxes.
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
    if chosen:
        return _checked(Path(chosen))
    for candidate in (*_fontconfig(), *map(Path, KNOWN_FONTS)):
        if candidate.is_file():
            return candidate
    raise QcoderError(
        "找不到含中文字形的字体，无法绘制词云（否则汉字会显示为方框）：请安装 fonts-wqy-zenhei "
        "（apt-get install fonts-wqy-zenhei），或用环境变量 QCODER_CJK_FONT 指定字体文件",
        "no font with Chinese glyphs was found, so no word cloud is drawn (hanzi would show as boxes): install "
        "fonts-wqy-zenhei (apt-get install fonts-wqy-zenhei) or name a font file in QCODER_CJK_FONT",
    )


def _checked(font: Path) -> Path:
    """``font`` if it is a font file that maps 中 to a glyph (its character map, read with fontTools: the
    font ``wordcloud`` draws with through Pillow); a QcoderError naming it otherwise."""
    from fontTools.ttLib import TTFont, TTLibError  # installed with matplotlib, which wordcloud needs

    if not font.is_file():
        raise QcoderError(
            f"QCODER_CJK_FONT 指定的字体文件 {font} 不存在",
            f"the font file {font} named in QCODER_CJK_FONT does not exist",
        )
    try:
        covered = ord("中") in (TTFont(font, fontNumber=0, lazy=True).getBestCmap() or {})
    except (TTLibError, OSError, ValueError, AssertionError):
        covered = False
    if not covered:
        raise QcoderError(
            f"QCODER_CJK_FONT 指定的 {font} 不是含中文字形的字体（没有“中”字），词云中的汉字会显示为方框；"
            "请指定中文字体，如 fonts-wqy-zenhei 的 wqy-zenhei.ttc",
            f"{font} named in QCODER_CJK_FONT is not a font with Chinese glyphs (it has none for 中), so hanzi would "
            "show as boxes: name a Chinese font, e.g. wqy-zenhei.ttc from fonts-wqy-zenhei",
        )
    return font


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
