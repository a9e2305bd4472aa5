"""Hypothesis strategies for what people type: text in every script the product supports, up to a
field's limit, shaped as prose, as one unbroken word, or as many short lines."""

from __future__ import annotations

from hypothesis import strategies as st

# Letters of each supported script (with the marks and punctuation they are typed with).
SCRIPTS = {
    "latin": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:-()/&'\"",
    "turkish": "çğıöşüÇĞİÖŞÜâîû",
    "cyrillic": "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯ«»",
    "georgian": "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ",
    "vietnamese": "ăâđêôơưĂÂĐÊÔƠƯàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ",
    "arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأؤإئةى٠١٢٣٤٥٦٧٨٩،؛؟",
}
SCRIPT_NAMES = tuple(SCRIPTS)


@st.composite
def typed_text(draw, limit: int, *, lines: bool = True, min_size: int = 0) -> str:
    """Text of up to `limit` characters in one script (often mixed with Latin), most often at
    or near the limit: prose, one unbroken word, or (where the field takes them) short lines."""
    script = draw(st.sampled_from(SCRIPT_NAMES))
    letters = SCRIPTS[script] + (SCRIPTS["latin"] if draw(st.booleans()) else "")
    size = draw(
        st.one_of(
            st.just(limit),
            st.integers(min_value=max(min_size, limit - 10), max_value=limit),
            st.integers(min_value=min_size, max_value=limit),
        )
    )
    shapes = ["prose", "unbroken"] + (["short lines"] if lines else [])
    shape = draw(st.sampled_from(shapes))
    word = draw(st.text(alphabet=letters, min_size=1, max_size=12))
    if shape == "unbroken":
        piece = word
    elif shape == "prose":
        piece = word + " "
    else:
        piece = word[:2] + "\n"
    text = (piece * (size // len(piece) + 1))[:size]
    return text if len(text.strip()) >= min_size else (word * size)[:size] or word
