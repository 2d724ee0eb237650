"""Splitting long replies for Telegram: under 4096 UTF-16 units, at the best boundary."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.telegram import TEXT_LIMIT, split_text, utf16_len


def squash(text: str) -> str:
    return "".join(text.split())


def test_short_text_is_one_message() -> None:
    assert split_text("Halo, apa kabar?") == ["Halo, apa kabar?"]


def test_blank_text_is_no_message() -> None:
    assert split_text("") == []
    assert split_text(" \n\n \t") == []


def test_exact_limit_is_not_split() -> None:
    text = "a" * TEXT_LIMIT
    assert split_text(text) == [text]
    assert split_text(text + "b") == ["a" * TEXT_LIMIT, "b"]


def test_cuts_at_paragraph_break() -> None:
    first = "Paragraf satu. " * 150  # ~2250 characters
    second = "Paragraf dua. " * 150
    chunks = split_text(first.strip() + "\n\n" + second.strip())
    assert chunks == [first.strip(), second.strip()]


def test_prefers_line_break_when_paragraph_break_is_early() -> None:
    # A paragraph break near the start would leave a tiny first message; a line break late
    # in the window keeps messages full.
    lines = "\n".join(f"{i:04d} baris laporan yang cukup panjang" for i in range(200))
    text = "Judul\n\n" + lines
    chunks = split_text(text)
    assert len(chunks) == 2
    assert chunks[0].startswith("Judul\n\n0000")
    assert all(utf16_len(c) <= TEXT_LIMIT for c in chunks)
    # the cut is at a line boundary: each chunk ends with a whole line
    assert chunks[0].splitlines()[-1].endswith("cukup panjang")
    assert chunks[1].splitlines()[0].endswith("cukup panjang")


def test_falls_back_to_spaces_then_hard_cut() -> None:
    words = " ".join(["kata"] * 2000)  # no line breaks
    chunks = split_text(words)
    assert all(c.startswith("kata") and c.endswith("kata") for c in chunks)
    blob = "x" * 9000  # no whitespace at all
    assert split_text(blob) == ["x" * 4096, "x" * 4096, "x" * 808]


def test_counts_utf16_units_like_telegram() -> None:
    emoji = "😀"  # outside the BMP: two UTF-16 units
    assert utf16_len(emoji) == 2
    text = emoji * 3000  # 6000 units, 3000 characters
    chunks = split_text(text)
    assert [utf16_len(c) for c in chunks] == [4096, 6000 - 4096]
    assert "".join(chunks) == text


def test_small_limit_is_rejected() -> None:
    with pytest.raises(ValueError):
        split_text("abc", limit=1)


alphabet = st.sampled_from(list("ab ") + ["\n", "\n\n", "é", "😀", "kata "])


@settings(max_examples=150, deadline=None)
@given(parts=st.lists(alphabet, max_size=400), limit=st.integers(min_value=2, max_value=60))
def test_chunks_fit_are_not_blank_and_keep_every_character(parts: list[str], limit: int) -> None:
    text = "".join(parts)
    chunks = split_text(text, limit)
    assert all(utf16_len(c) <= limit for c in chunks)
    assert all(c.strip() == c and c for c in chunks)
    assert squash("".join(chunks)) == squash(text)


@settings(max_examples=100, deadline=None)
@given(
    lines=st.lists(
        st.text(alphabet="abcdefghij ", min_size=1, max_size=30).map(str.strip).filter(bool),
        min_size=1,
        max_size=60,
    ),
    limit=st.integers(min_value=30, max_value=200),
)
def test_lines_that_fit_are_never_broken(lines: list[str], limit: int) -> None:
    text = "\n".join(lines)
    chunks = split_text(text, limit)
    # every chunk is a run of whole lines, and together they are the original lines
    assert [line for c in chunks for line in c.split("\n")] == lines
