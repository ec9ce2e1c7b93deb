"""What the ``qbwc`` commands share: argument types that refuse bad input in one line, one
word per record kind, JSON output, and the note that a list was cut.

Kinds: a record kind is singular (``account``, ``customer``, ``class``), an import kind plural
(``accounts``, ``customers``, ``classes``), as in DESIGN.md; every command takes either word
and uses the right one (``qbwc records ridgeline accounts`` = ``... account``).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any, TextIO

from qbwc_server.models.fields import CONTROL_CHARACTERS
from qbwc_server.operations.records import ALL_KINDS

_PLURAL = {"class": "classes", "terms": "terms"}


def plural(kind: str) -> str:
    """The import word of a record kind: ``account`` -> ``accounts``."""
    return _PLURAL.get(kind, kind + "s")


_SINGULAR = {plural(kind): kind for kind in ALL_KINDS}


def record_kind(word: str) -> str:
    """A record kind from either word (``accounts`` -> ``account``); unknown words pass
    through, for the operation to refuse with the list of known kinds."""
    return _SINGULAR.get(word, word)


def import_kind(word: str) -> str:
    """An import kind from either word (``account`` -> ``accounts``)."""
    return plural(word) if word in ALL_KINDS else word


def positive(text: str) -> int:
    """An argparse type: a whole number of at least 1 (``--limit``)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def name_arg(text: str) -> str:
    """An argparse type: a name or user name, not empty and without control characters."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    if CONTROL_CHARACTERS.search(text):
        raise argparse.ArgumentTypeError("must not contain control characters")
    return text


def jsonable(row: Any) -> dict[str, Any]:
    """A stored row (a dataclass) as JSON-ready values (timestamps as ISO 8601)."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in asdict(row).items()}


def print_json(value: object, out: TextIO) -> None:
    """``value`` as indented JSON."""
    print(json.dumps(value, indent=2), file=out)


def cut(shown: int, option: str, cursor: object) -> None:
    """Say on stderr (stdout stays data) that a list stopped at ``shown`` items, and how to
    ask for the next page."""
    print(
        f"qbwc: showing {shown} of more; {option} {cursor} for the next page",
        file=sys.stderr,
    )
