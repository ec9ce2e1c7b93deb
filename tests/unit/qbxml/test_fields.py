"""qbxml.fields: characters, lengths, capitals and name formats, with every change noted."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qbxml.fields import (
    FieldNote,
    clean_text,
    format_fields,
    format_name,
    storable,
    validate_name_format,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Café Zoë", "Café Zoë"),  # in Windows-1252: kept
        ("\u201cquoted\u201d \u2018single\u2019", "\"quoted\" 'single'"),
        ("a \u2014 b \u2013 c", "a - b - c"),
        ("ﬁne", "fine"),  # ligature: plain form
        ("Łódź", "?ódz"),  # ó is cp1252; ź loses its accent; Ł has no plain form
        ("中文", "??"),
        ("😀", "?"),
        ("a\x00b\x07c", "abc"),  # control characters dropped
        ("\ufeffBOM", "BOM"),
    ],
)
def test_storable(value: str, expected: str) -> None:
    assert storable(value) == expected


@pytest.mark.parametrize(
    ("value", "kwargs", "expected", "kinds"),
    [
        ("  Joe   Smith \n", {}, "Joe Smith", []),  # white space is folded, not noted
        ("Café “Rouge”", {}, 'Café "Rouge"', ["replaced"]),
        ("abcdef", {"max_len": 4}, "abcd", ["truncated"]),
        ("abc def", {"max_len": 4}, "abc", ["truncated"]),  # no trailing blank after a cut
        ("straße", {"max_len": 6, "uppercase": True}, "STRASS", ["truncated"]),
        ("joe", {"uppercase": True}, "JOE", []),  # capitals are a setting, not a change
        ("a\r\nb\tc", {"multiline": True}, "a\nb\tc", []),
        ("a\r\nb\tc", {}, "a b c", []),
        ("中 x", {"max_len": 2}, "?", ["replaced", "truncated"]),
        ("", {}, "", []),
    ],
)
def test_clean_text(value: str, kwargs: dict[str, object], expected: str, kinds: list[str]) -> None:
    notes: list[FieldNote] = []
    options: dict[str, object] = {"max_len": 41, **kwargs}
    result = clean_text(value, path="CustomerAdd/Name", notes=notes, **options)  # type: ignore[arg-type]
    assert result == expected
    assert [n.change for n in notes] == kinds
    assert all(n.path == "CustomerAdd/Name" for n in notes)


def test_truncation_note_carries_before_and_after() -> None:
    notes: list[FieldNote] = []
    clean_text("x" * 50, path="P", max_len=41, notes=notes)
    assert notes == [FieldNote("P", "truncated", "x" * 50, "x" * 41)]


def test_notes_are_optional() -> None:
    assert clean_text("őx" * 30, path="P", max_len=5) == "oxoxo"


def test_uppercase_stays_storable() -> None:
    clean_text("µg", path="P", max_len=10, uppercase=True).encode("cp1252")


def _no_space(text: str) -> str:
    return re.sub(r"[ \t\r\n]", "", text)


@given(st.text(max_size=80), st.integers(1, 60), st.booleans(), st.booleans())
def test_clean_text_fits_encodes_and_notes_every_change(
    text: str, max_len: int, upper: bool, multiline: bool
) -> None:
    notes: list[FieldNote] = []
    result = clean_text(
        text, path="P", max_len=max_len, uppercase=upper, multiline=multiline, notes=notes
    )
    kinds = [n.change for n in notes]
    assert len(result) <= max_len
    result.encode("cp1252")
    source = text.upper() if upper else text  # capitals first, then the character check
    full = storable(source, multiline=multiline)
    if not multiline:
        full = re.sub(r"[ \t\r\n]+", " ", full).strip()
        assert "\n" not in result and "\t" not in result and result == result.strip()
    assert ("replaced" in kinds) == (
        _no_space(storable(source, multiline=multiline)) != _no_space(source)
    )
    assert ("truncated" in kinds) == (len(full) > max_len)
    if len(full) <= max_len:
        assert result == full
    else:
        assert full.startswith(result)


@pytest.mark.parametrize(
    ("fmt", "values", "expected"),
    [
        ("{last_name}, {first_name}", {"last_name": "Doe", "first_name": "Jane"}, "Doe, Jane"),
        ("{last_name}, {first_name}", {"last_name": "Doe", "first_name": None}, "Doe"),
        ("{last_name}, {first_name}", {"first_name": "Jane"}, "Jane"),
        ("{company} - {last_name}", {"company": "", "last_name": "Doe"}, "Doe"),
        ("{a} - {b} - {c}", {"a": "X", "b": "", "c": "Z"}, "X - Z"),
        ("{a}, {b}, {c}", {"a": "X", "b": "", "c": "Z"}, "X, Z"),
        ("{company}", {"company": "Acme:Sub"}, "Acme-Sub"),  # ':' separates jobs in FullName
        ("{n}", {"n": 42}, "42"),
        ("{a}  {b}", {"a": " x ", "b": "y"}, "x y"),
    ],
)
def test_format_name(fmt: str, values: dict[str, object], expected: str) -> None:
    assert format_name(fmt, values) == expected


def test_format_fields() -> None:
    assert format_fields("{last_name}, {first_name} ({id})") == ["last_name", "first_name", "id"]


@pytest.mark.parametrize(
    ("fmt", "match"),
    [
        ("no fields", "at least one"),
        ("{nope}", "unknown field"),
        ("{a}}", "bad name format"),
        ("{a", "at least one"),
    ],
)
def test_validate_name_format_refuses(fmt: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        validate_name_format(fmt, {"a", "b"})


def test_validate_name_format_accepts() -> None:
    validate_name_format("{a}, {b}", {"a", "b"})
