"""The JSON Schema patterns the OpenAPI document gives for strings say exactly what the
validators accept (on random text full of spaces, controls and odd characters)."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from qbwc_server.models import (
    Customer,
    Invoice,
    RecordInvalid,
    Terms,
    default_settings,
    merge_settings,
)
from qbwc_server.models.settings import CompanyCreate

ODD = st.text(
    st.one_of(
        st.sampled_from(" \t\n\r\x0b\x0c\x00\x1f\x7f\x85\x9f\xa0\u1680\u2003\u2028\u3000\ufeff"),
        st.characters(codec="utf-8"),
    ),
    max_size=12,
)


def _accepts(model: type[BaseModel], base: dict[str, Any], field: str, value: str) -> bool:
    try:
        model.model_validate({**base, field: value})
    except ValidationError as exc:
        assert all(e["loc"][0] == field for e in exc.errors()), exc
        return False
    return True


def _pattern(model: type[BaseModel], field: str) -> re.Pattern[str]:
    """The field's pattern, read as JSON Schema (ECMA-262) reads it: ``$`` is the very end
    (Python's ``$`` also matches before a last newline)."""
    schema = model.model_json_schema()["properties"][field]
    options = schema.get("anyOf", [schema])
    (pattern,) = [o["pattern"] for o in options if "pattern" in o]
    assert pattern.endswith("$")
    return re.compile(pattern[:-1] + r"\Z")


CASES = [
    (Customer, {"first_name": "A", "last_name": "B"}, "last_name"),  # a name: not blank
    (Customer, {"first_name": "A", "last_name": "B"}, "phone"),  # short text: one line
    (Invoice, {"number": "1", "project_id": "p", "date": "2026-01-02",
               "lines": [{"item_id": "i", "amount": "1"}]}, "memo"),  # long text: TAB, LF ok
    (CompanyCreate, {"name": "R", "qbwc_password": "password1"}, "qbwc_username"),  # trimmed
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(ODD | st.sampled_from(["x\n", " ", "a b", "\ufeff", "x\u3000", "\u3000x"]))
def test_string_patterns_match_the_validators(text: str) -> None:
    for model, base, field in CASES:
        pattern = _pattern(model, field)
        assert _accepts(model, base, field, text) == bool(pattern.search(text)), (field, text)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"[0-9]{1,3}(\.[0-9]{0,6})?", fullmatch=True) | st.text(max_size=8))
def test_the_percent_pattern_matches_the_validator(text: str) -> None:
    base = {"name": "Net 30", "due_days": 30}
    pattern = _pattern(Terms, "discount_percent")
    assert _accepts(Terms, base, "discount_percent", text) == bool(pattern.search(text)), text


def test_a_whole_number_written_with_a_fraction_of_zero_is_that_number() -> None:
    # JSON Schema's "integer" takes 30.0, so the validators do too (and refuse 30.5)
    assert merge_settings(default_settings(), {"poll_seconds": 30.0})["poll_seconds"] == 30
    assert Terms.model_validate({"name": "Net", "due_days": 30.0}).due_days == 30
    for bad in ({"poll_seconds": 30.5}, {"poll_seconds": True}):
        try:
            merge_settings(default_settings(), bad)
        except RecordInvalid as exc:
            assert [e.field for e in exc.errors] == ["settings.poll_seconds"]
        else:
            raise AssertionError(bad)
