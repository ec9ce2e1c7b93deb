"""Query-string parameters: only the known ones, each once; limits and cursors checked."""

from __future__ import annotations

import base64
import binascii
import json

from werkzeug.wrappers import Request

from qbwc_server.api.body import field_name
from qbwc_server.models.validation import FieldError, RecordInvalid

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def _invalid(field: str, message: str, code: str = "invalid") -> RecordInvalid:
    return RecordInvalid([FieldError(field, f"{field}: {message}", code)], what="query")


def query(request: Request, *known: str) -> dict[str, str]:
    """The query parameters, refusing unknown and repeated ones (400 naming them)."""
    errors = []
    for key in request.args:
        name = field_name(key)
        if key not in known:
            errors.append(FieldError(name, f"{name}: is not a known parameter", "unknown_field"))
        elif len(request.args.getlist(key)) > 1:
            errors.append(FieldError(name, f"{name}: must be given once", "invalid"))
    if errors:
        raise RecordInvalid(errors, what="query")
    return {key: request.args[key] for key in request.args}


def limit(params: dict[str, str]) -> int:
    """``limit``: a whole number 1..MAX_LIMIT, DEFAULT_LIMIT when absent."""
    text = params.get("limit")
    if text is None:
        return DEFAULT_LIMIT
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_LIMIT):
        raise _invalid("limit", f"must be a whole number from 1 to {MAX_LIMIT}")
    return int(text)


def id_cursor(params: dict[str, str], name: str) -> int | None:
    """A cursor that is a row id (``before``): a positive whole number, or absent."""
    text = params.get(name)
    if text is None:
        return None
    if not (text.isascii() and text.isdigit() and len(text) <= 18 and int(text) > 0):
        raise _invalid(name, "must be a cursor given by a previous page (a positive number)")
    return int(text)


def encode_key(key: tuple[str, ...]) -> str:
    """An opaque cursor for a row key: base64url of its JSON."""
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def decode_key(params: dict[str, str], name: str, size: int) -> tuple[str, ...] | None:
    """The row key of a cursor made by ``encode_key`` (400 naming ``name`` when bad)."""
    text = params.get(name)
    if text is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        key = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError):
        key = None
    if not (isinstance(key, list) and len(key) == size and all(isinstance(k, str) for k in key)):
        raise _invalid(name, "must be a cursor given by a previous page")
    return tuple(key)
