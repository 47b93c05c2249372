"""Thai dictionary order (Royal Institute, as ISO/IEC 14651 annex C.2 and CLDR's Thai collation describe it).

Level 1 compares the consonants and vowels in code-point order (Thai consonants, then vowels, are encoded in
dictionary order) with tone marks and other non-spacing marks ignored, and with a leading vowel (เ แ โ ใ ไ)
read after the consonant it is written before: ร้อยเอ็ด comes before ระนอง, อ่างทอง before อำนาจเจริญ,
เชียงใหม่ among the ช words. Level 2 breaks ties by the marks (ไม้ไต่คู้ ่ ้ ๊ ๋ ์ ...), level 3 by the text.
"""

import re
from functools import lru_cache

LEADING_VOWELS = "เแโใไ"
MARKS = "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"  # ็ ่ ้ ๊ ๋ ์ ํ ๎: ignored at level 1
_MARK = re.compile(f"[{MARKS}]")
_LEADING = re.compile(f"([{LEADING_VOWELS}])([\u0e01-\u0e2e])")
SortKey = tuple[str, str, str]


@lru_cache(maxsize=32768)  # the names sorted are a few thousand LAOs, districts and provinces: computed once each
def thai_sort_key(text: str) -> SortKey:
    """The sort key of `text` in Thai dictionary order (compare keys; equal texts give equal keys)."""
    base = _LEADING.sub(r"\2\1", _MARK.sub("", text))
    marks = "".join(c if c in MARKS else " " for c in text)
    return base, marks, text
