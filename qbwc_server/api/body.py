"""Reading a JSON request body safely, and checking the fields of a small body.

The body must be ``application/json`` (415), at most ``MAX_BODY_BYTES`` (413), UTF-8 (400),
strict JSON: no NaN or Infinity, no number too large for a float, no repeated key (400), and
nested at most ``MAX_DEPTH`` deep (400).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from werkzeug.wrappers import Request

from qbwc_server.api.errors import ApiError
from qbwc_server.models.fields import CONTROL_CHARACTERS, json_type
from qbwc_server.models.validation import FieldError, RecordInvalid

MAX_BODY_BYTES = 1024 * 1024
MAX_DEPTH = 32


class _BadJson(ValueError):
    """Valid JSON syntax that this API does not accept (NaN, 1e999, a repeated key)."""


def _constant(name: str) -> object:
    raise _BadJson(f"{name} is not allowed in JSON")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadJson(f"the number {text[:40]} is too large")
    return value


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _BadJson(f"the key {json.dumps(key)[:80]} appears twice in one object")
        result[key] = value
    return result


def _depth(value: object) -> int:
    """How deeply ``value`` nests objects and arrays (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children: Iterable[object]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


def _bad(message: str) -> ApiError:
    return ApiError(400, "invalid_json", message)


def _raw(request: Request) -> bytes:
    if request.mimetype != "application/json":
        raise ApiError(
            415,
            "unsupported_media_type",
            "send the body as JSON with 'Content-Type: application/json'",
        )
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ApiError(415, "unsupported_media_type", "the body must be UTF-8 encoded JSON")
    too_large = ApiError(413, "too_large", f"the body must be at most {MAX_BODY_BYTES} bytes")
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        raise too_large
    data = request.stream.read(MAX_BODY_BYTES + 1)
    if len(data) > MAX_BODY_BYTES:
        raise too_large
    return data


def read_json(request: Request) -> object:
    """The request's JSON body, checked as the module docstring says."""
    data = _raw(request)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad(f"the body is not valid UTF-8 (byte {exc.start})") from None
    try:
        value = json.loads(
            text, parse_constant=_constant, parse_float=_float, object_pairs_hook=_object
        )
    except _BadJson as exc:
        raise _bad(str(exc)) from None
    except json.JSONDecodeError as exc:
        raise _bad(f"the body is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    except RecursionError:
        raise _bad(f"the body nests more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:  # e.g. an integer with too many digits
        raise _bad(f"the body is not acceptable JSON: {exc}") from None
    if _depth(value) > MAX_DEPTH:
        raise _bad(f"the body nests more than {MAX_DEPTH} levels deep")
    return value


def read_object(request: Request) -> dict[str, Any]:
    """The request's JSON body, which must be an object (400 naming ``body`` otherwise)."""
    value = read_json(request)
    if not isinstance(value, dict):
        message = f"body: must be a JSON object, not {json_type(value)}"
        raise RecordInvalid([FieldError("body", message, "wrong_type")], what="request body")
    return value


def field_name(key: str) -> str:
    """A client's key fit to quote in an error: control characters escaped, kept short."""
    if CONTROL_CHARACTERS.search(key):
        key = key.encode("unicode_escape").decode("ascii")
    return key if len(key) <= 100 else key[:97] + "..."


def string_fields(
    body: dict[str, Any], required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> dict[str, str]:
    """Check that ``body`` has every ``required`` field, no unknown one, all strings."""
    errors = [
        FieldError(name, f"{name}: is not a known field", "unknown_field")
        for name in (field_name(key) for key in body if key not in required + optional)
    ]
    errors += [
        FieldError(key, f"{key}: is required", "missing") for key in required if key not in body
    ]
    errors += [
        FieldError(key, f"{key}: must be a string, not {json_type(value)}", "wrong_type")
        for key, value in body.items()
        if key in required + optional and not isinstance(value, str)
    ]
    if errors:
        raise RecordInvalid(errors, what="request body")
    return {key: str(value) for key, value in body.items()}
