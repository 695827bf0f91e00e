#!/usr/bin/env python3
"""Cut the bundled CJK font down to what a Shanghai terminal prints and shows.

Source: Debian's fonts-noto-cjk (Noto Sans CJK SC, SIL OFL 1.1). Needs fonttools (`pip install fonttools`).
Covers ASCII and Latin-1 letters, all of GB2312 (the 6,763 common hanzi plus its symbols), CJK punctuation,
full-width forms and the few symbols the UI draws (stars, arrows, check marks). Run from ui/:

    python3 tools/make-font-subset.py /usr/share/fonts/opentype/noto

The generated files are committed; this script is kept so the subset can be remade or extended.
"""
import sys
from fontTools import subset
from fontTools.ttLib import TTCollection

SC_INDEX = 2  # face index of "Noto Sans CJK SC" in NotoSansCJK-*.ttc


def codepoints():
    cps = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180))
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                ch = bytes([hi, lo]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            cps.add(ord(ch))
    cps |= set(range(0x3000, 0x3040))  # CJK symbols and punctuation
    cps |= set(range(0xFF00, 0xFFF0))  # full-width forms
    cps |= set(range(0x2010, 0x2070))  # general punctuation (dashes, quotes, ellipsis)
    cps |= set(range(0x2190, 0x2200))  # arrows
    cps |= set(range(0x2460, 0x24FF))  # circled digits
    cps |= set(range(0x25A0, 0x2600))  # geometric shapes
    cps |= {0x2605, 0x2606, 0x2713, 0x2714, 0x2715, 0x2716, 0x00B7, 0x20AC, 0x2103}
    # Characters common in Shanghai names and addresses that GB2312 lacks (e.g. 堃, 喆, 祎, 昇, 珺, 玥, 赟).
    cps |= {ord(c) for c in "堃喆祎昇珺玥赟琍媖旻晔彧頔昉勍婕甯桢燚鑫犇淼焱垚"}
    return sorted(cps)


def main(src_dir):
    cps = codepoints()
    for weight in ("Regular", "Bold"):
        ttc = TTCollection(f"{src_dir}/NotoSansCJK-{weight}.ttc")
        font = ttc.fonts[SC_INDEX]
        opts = subset.Options()
        opts.layout_features = ["*"]
        opts.name_IDs = ["*"]
        opts.notdef_outline = True
        opts.hinting = False
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=cps)
        sub.subset(font)
        out = f"fonts/NotoSansSC-{weight}-subset.otf"
        font.save(out)
        print(out, len(cps), "code points")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto")
