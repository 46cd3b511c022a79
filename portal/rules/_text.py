"""Input clean-up shared by the number parsers (private to the package)."""

from __future__ import annotations

# Full-width ASCII (U+FF01..U+FF5E) sits at a fixed offset from ASCII; Chinese
# input methods produce it for digits, letters and punctuation.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALFWIDTH[0x3000] = 0x20  # ideographic space


def to_halfwidth(text: str) -> str:
    """Return ``text`` with full-width ASCII characters turned half-width."""
    return text.translate(_HALFWIDTH)


def compact(text: str) -> str:
    """Half-width, upper-case, with every kind of whitespace removed."""
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    return "".join(to_halfwidth(text).split()).upper()
