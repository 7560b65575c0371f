"""Make the fonts the PDF printouts embed: DejaVu Sans (regular, bold) and DejaVu Sans Mono,
cut down to the scripts a label or worksheet prints (Latin, Greek, Cyrillic, punctuation and
the pharmacy symbols), so that the command line stays small.

    python tools/subset_fonts.py [DIRECTORY_WITH_DEJAVU_TTF]

The source is the DejaVu 2.37 release (Debian's fonts-dejavu-core puts it in
/usr/share/fonts/truetype/dejavu). Licence: cli/ldncompound_cli/fonts/LICENSE-DejaVu.txt (the
Bitstream Vera licence with the DejaVu changes in the public domain); the subsets keep the
DejaVu names, which contain neither "Bitstream" nor "Vera", as that licence requires of a
modified font.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x02B0, 0x036F),  # spacing modifier letters, combining diacritical marks
    (0x0370, 0x03FF),  # Greek and Coptic
    (0x0400, 0x052F),  # Cyrillic and Cyrillic Supplement
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese, Welsh...)
    (0x1F00, 0x1FFF),  # Greek Extended (polytonic)
    (0x2000, 0x206F),  # General Punctuation
    (0x20A0, 0x20CF),  # Currency Symbols
    (0x2100, 0x214F),  # Letterlike Symbols (℞, №, ℃)
    (0x2190, 0x21FF),  # Arrows
    (0x2200, 0x22FF),  # Mathematical Operators (−, ≤, ≥, ±, ×)
    (0x25A0, 0x25FF),  # Geometric Shapes (□, ■)
]
FONTS = {
    "DejaVuSans.ttf": "DejaVuSans-LGC.ttf",
    "DejaVuSans-Bold.ttf": "DejaVuSans-Bold-LGC.ttf",
    "DejaVuSansMono.ttf": "DejaVuSansMono-LGC.ttf",
}


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/dejavu")
    target = Path(__file__).resolve().parent.parent / "cli" / "ldncompound_cli" / "fonts"
    unicodes = [c for first, last in RANGES for c in range(first, last + 1)]
    for name, out in FONTS.items():
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.hinting = False  # printing at 300 dpi and up: outlines only, half the size
        font = subset.load_font(str(source / name), options)
        sub = subset.Subsetter(options)
        sub.populate(unicodes=unicodes)
        sub.subset(font)
        subset.save_font(font, str(target / out), options)
        print(out, (target / out).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
