"""qbxml.values: reading and writing QuickBooks' typed values."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qbxml.errors import QbxmlError, ResponseError
from qbxml.values import (
    format_amount,
    format_bool,
    format_date,
    format_datetime,
    format_decimal,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_int,
)

MINUS5 = timezone(timedelta(hours=-5))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2000.00", Decimal("2000.00")),
        ("-20.00", Decimal("-20.00")),
        (" 0.5 ", Decimal("0.5")),
        ("300", Decimal(300)),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_parse_decimal(text: str | None, expected: Decimal | None) -> None:
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["18.0%", "1,000.00", "NaN", "Infinity", "-inf", "abc", "1.2.3"])
def test_parse_decimal_refuses(text: str) -> None:
    with pytest.raises(ResponseError, match="Rate"):
        parse_decimal(text, field="Rate")


@pytest.mark.parametrize(
    ("text", "expected"), [("0", 0), ("42", 42), ("-3", -3), (" 7 ", 7), ("", None), (None, None)]
)
def test_parse_int(text: str | None, expected: int | None) -> None:
    assert parse_int(text) == expected


@pytest.mark.parametrize("text", ["4.0", "0x10", "seven", "1e3"])
def test_parse_int_refuses(text: str) -> None:
    with pytest.raises(ResponseError, match="Sublevel"):
        parse_int(text, field="Sublevel")


@pytest.mark.parametrize("text", ["1_000", "١٢"])
def test_python_only_number_syntax_is_refused(text: str) -> None:
    with pytest.raises(ResponseError):
        parse_int(text)
    with pytest.raises(ResponseError):
        parse_decimal(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("false", False),
        ("TRUE", True),
        (" False ", False),
        ("1", True),
        ("0", False),
        ("", None),
        (None, None),
    ],
)
def test_parse_bool(text: str | None, expected: bool | None) -> None:
    assert parse_bool(text) is expected


@pytest.mark.parametrize("text", ["yes", "no", "t", "2"])
def test_parse_bool_refuses(text: str) -> None:
    with pytest.raises(ResponseError, match="IsActive"):
        parse_bool(text, field="IsActive")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2014-02-03", date(2014, 2, 3)), ("2024-02-29", date(2024, 2, 29)), ("", None)],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2023-02-29", "02/03/2014", "2014-2-3", "2014-02-03T00:00:00"])
def test_parse_date_refuses(text: str) -> None:
    with pytest.raises(ResponseError, match="TxnDate"):
        parse_date(text, field="TxnDate")


@pytest.mark.parametrize("text", ["20140203", "2014-W06-1"])
def test_parse_date_refuses_other_iso_forms(text: str) -> None:
    with pytest.raises(ResponseError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2008-07-05T09:46:33-05:00", datetime(2008, 7, 5, 9, 46, 33, tzinfo=MINUS5)),
        ("2016-07-14T15:25:48+00:00", datetime(2016, 7, 14, 15, 25, 48, tzinfo=UTC)),
        ("2016-07-14T15:25:48Z", datetime(2016, 7, 14, 15, 25, 48, tzinfo=UTC)),
        ("2016-07-14T15:25:48", datetime(2016, 7, 14, 15, 25, 48)),
        ("", None),
    ],
)
def test_parse_datetime(text: str, expected: datetime | None) -> None:
    value = parse_datetime(text)
    assert value == expected
    if value is not None and expected is not None:
        assert value.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text",
    [
        "2016-07-14",
        "2016-07-14 15:25:48",
        "2016-07-14T25:00:00",
        "2016-07-14T15:25:48+25:00",
        "2016-07-14T15:25:48.123",
        "2016-02-30T00:00:00",
    ],
)
def test_parse_datetime_refuses(text: str) -> None:
    with pytest.raises(ResponseError, match="TimeModified"):
        parse_datetime(text, field="TimeModified")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("129.43"), "129.43"),
        (Decimal("0.005"), "0.01"),
        (Decimal("2.675"), "2.68"),
        (Decimal("-2.675"), "-2.68"),
        (Decimal(5), "5.00"),
        (Decimal("1E+3"), "1000.00"),
    ],
)
def test_format_amount(value: Decimal, expected: str) -> None:
    assert format_amount(value) == expected


def test_format_amount_has_no_negative_zero() -> None:
    assert format_amount(Decimal("-0.001")) == "0.00"


@pytest.mark.parametrize("writer", [format_amount, format_decimal])
def test_format_huge_value_raises_a_typed_error(writer: object) -> None:
    assert callable(writer)
    with pytest.raises(QbxmlError):
        writer(Decimal("1E+30"))


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("2"), 5, "2"),
        (Decimal("2.50000"), 5, "2.5"),
        (Decimal("0.123456"), 5, "0.12346"),
        (Decimal("1E+3"), 5, "1000"),
        (Decimal("0"), 5, "0"),
        (Decimal("18.0"), 2, "18"),
        (Decimal("-1.005"), 2, "-1.01"),
    ],
)
def test_format_decimal(value: Decimal, places: int, expected: str) -> None:
    assert format_decimal(value, places) == expected


def test_format_date_bool_datetime() -> None:
    assert format_date(date(2024, 2, 29)) == "2024-02-29"
    assert (format_bool(True), format_bool(False)) == ("true", "false")
    aware = datetime(2008, 7, 5, 9, 46, 33, 999, tzinfo=MINUS5)
    assert format_datetime(aware) == "2008-07-05T09:46:33-05:00"
    assert format_datetime(datetime(2008, 7, 5, 9, 46, 33)) == "2008-07-05T09:46:33"


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2))
def test_amount_round_trip(value: Decimal) -> None:
    assert parse_decimal(format_amount(value)) == value


@given(st.datetimes(timezones=st.sampled_from([UTC, MINUS5, None])))
def test_datetime_round_trip(value: datetime) -> None:
    value = value.replace(microsecond=0)
    assert parse_datetime(format_datetime(value)) == value


@given(st.text(max_size=20))
def test_parsers_raise_only_response_error(text: str) -> None:
    for parse in (parse_decimal, parse_int, parse_bool, parse_date, parse_datetime):
        with contextlib.suppress(ResponseError):
            parse(text)
