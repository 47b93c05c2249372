"""Thai dictionary order: leading vowels เ แ โ ใ ไ sort by the consonant that follows them."""

LEADING_VOWELS = "เแโใไ"


def thai_sort_key(text: str) -> tuple[str, str]:
    """Sort key placing เชียงใหม่ among the ช words (leading vowel moved after its consonant)."""
    chars = list(text)
    i = 0
    while i < len(chars) - 1:
        if chars[i] in LEADING_VOWELS:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
            i += 2
        else:
            i += 1
    return "".join(chars), text
