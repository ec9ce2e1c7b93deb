"""QuickBooks' field rules: the characters it can store, lengths, capitals and name formats.

Every change made to a value on its way into a request is reported as a FieldNote so the
sync can log it; nothing is shortened or replaced silently.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Change = Literal["truncated", "replaced"]

# QuickBooks Desktop (US) stores text in Windows-1252. Anything else is transliterated where a
# plain form exists (é stays, "ﬁ" becomes "fi", "—" becomes "-") and replaced by "?" otherwise.
_CODEPAGE = "cp1252"
_PUNCTUATION = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u2007": " ",
    "\u202f": " ",
    "\u2009": " ",
}
_WHITESPACE = re.compile(r"[ \t\r\n]+")


@dataclass(frozen=True)
class FieldNote:
    """One value that had to change to fit QuickBooks: where, how, before and after."""

    path: str
    change: Change
    original: str
    result: str


def _storable_char(ch: str, multiline: bool) -> str:
    if ch in "\t\n" and multiline:
        return ch
    if ch == "\r":
        return "" if multiline else " "
    if ch in "\t\n":
        return " "
    if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") or ch in "\ufeff\ufffe\uffff":
        return ""
    if ch in _PUNCTUATION:
        return _PUNCTUATION[ch]
    try:
        ch.encode(_CODEPAGE)
        return ch
    except UnicodeEncodeError:
        pass
    plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    try:
        plain.encode(_CODEPAGE)
    except UnicodeEncodeError:
        return "?"
    return plain if plain and all(c.isprintable() for c in plain) else "?"


def storable(value: str, *, multiline: bool = False) -> str:
    """Return ``value`` with every character QuickBooks cannot store replaced."""
    return "".join(_storable_char(ch, multiline) for ch in value)


def clean_text(
    value: str,
    *,
    path: str,
    max_len: int,
    uppercase: bool = False,
    multiline: bool = False,
    notes: list[FieldNote] | None = None,
) -> str:
    """Fit ``value`` into a QuickBooks text field of at most ``max_len`` characters.

    Characters QuickBooks cannot store are replaced, single-line fields have their white space
    folded, ``uppercase`` capitalises, and the result is cut to ``max_len``. Replacements and
    cuts are appended to ``notes`` (capitals are a setting, not a change worth logging).
    """
    # Capitals first: some capitals are not storable although their small letter is (the
    # micro sign becomes a Greek capital mu), and some grow (sharp s becomes SS); the
    # character check and the cut below see the final text.
    source = value.upper() if uppercase else value
    result = storable(source, multiline=multiline)
    if not multiline:
        result = _WHITESPACE.sub(" ", result).strip()
    replaced = any(c not in " \t\r\n" and _storable_char(c, multiline) != c for c in source)
    if replaced and notes is not None:
        notes.append(FieldNote(path, "replaced", value, result))
    if len(result) > max_len:
        cut = result[:max_len].rstrip() if not multiline else result[:max_len]
        if notes is not None:
            notes.append(FieldNote(path, "truncated", result, cut))
        result = cut
    return result


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


_FORMAT_FIELDS = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)}")
_DANGLING = re.compile(r"^[\s,\-:/]+|[\s,\-:/]+$")


def format_fields(fmt: str) -> list[str]:
    """The field names a name format uses, e.g. ['last_name', 'first_name']."""
    return _FORMAT_FIELDS.findall(fmt)


def validate_name_format(fmt: str, allowed: set[str]) -> None:
    """Raise ValueError naming the problem if ``fmt`` is not a usable name format."""
    names = format_fields(fmt)
    if not names:
        raise ValueError("a name format needs at least one {field}")
    unknown = sorted(set(names) - allowed)
    if unknown:
        raise ValueError(f"unknown field(s) in name format: {', '.join(unknown)}")
    try:
        list(string.Formatter().parse(fmt))
    except ValueError as exc:
        raise ValueError(f"bad name format: {exc}") from exc


def format_name(fmt: str, values: Mapping[str, object]) -> str:
    """Fill a name format such as ``{last_name}, {first_name}`` from ``values``.

    Missing or empty values leave no dangling separators; colons, which QuickBooks uses between
    a customer and its jobs in a FullName, become hyphens. Length and characters are left to
    clean_text, which reports what it changes.
    """
    filled = {k: "" if v is None else str(v) for k, v in values.items()}
    text = fmt.format_map(_Blank(filled))
    text = text.replace(":", "-")
    text = _WHITESPACE.sub(" ", text)
    previous = None
    while previous != text:
        previous = text
        text = _DANGLING.sub("", text)
        text = re.sub(r"(,\s*){2,}", ", ", text)
        text = re.sub(r"\s+-\s+-\s+", " - ", text)
    return text.strip()
