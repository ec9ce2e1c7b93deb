"""choose_version: which qbXML version to write for the QuickBooks at the other end."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qbxml.context import SUPPORTED_VERSIONS
from qbxml.errors import VersionError
from qbxml.versions import choose_version, choose_version_from_ints, quickbooks_release

ALL_2014 = [f"{m}.0" for m in range(1, 14)] + ["1.1", "2.1", "4.1"]


@pytest.mark.parametrize(
    ("supported", "expected"),
    [
        (ALL_2014, "13.0"),
        (["13.0"], "13.0"),
        (["12.0", "13.0", "14.0", "15.0", "16.0"], "13.0"),
        (["16.0"], "13.0"),  # newer QuickBooks also speak the older versions
        (["1.0", "11.0", "12.0"], "12.0"),
        (["12.1"], "12.0"),
        ([" 12.0 ", "CA3.0", "garbage", ""], "12.0"),
        (iter(["13.0", "12.0"]), "13.0"),  # any iterable, read once
        (("10.0", "13.0", "2.0"), "13.0"),  # order does not matter (10 > 2 numerically)
    ],
)
def test_choose_version(supported: list[str], expected: str) -> None:
    assert choose_version(supported) == expected
    assert expected in SUPPORTED_VERSIONS


@pytest.mark.parametrize(
    ("supported", "message"),
    [
        (
            ["1.0", "5.0", "8.0"],
            "This QuickBooks supports qbXML up to 8.0 (QuickBooks 2009); qbwc-server needs "
            "QuickBooks 2013 or newer (qbXML 12.0). Update QuickBooks Desktop and run the Web "
            "Connector again.",
        ),
        (["11.0"], "up to 11.0 (QuickBooks 2012)"),
        (["CA3.0", "UK3.0"], "did not say which qbXML versions it supports"),
        ([], "did not say which qbXML versions it supports"),
    ],
)
def test_too_old_or_unknown(supported: list[str], message: str) -> None:
    with pytest.raises(VersionError) as info:
        choose_version(supported)
    assert message in info.value.message
    assert "QuickBooks 2013 or newer" in info.value.message


@pytest.mark.parametrize(
    ("major", "minor", "expected"),
    [(13, 0, "13.0"), (16, 0, "13.0"), (12, 0, "12.0"), (12, 1, "12.0")],
)
def test_from_ints(major: int, minor: int, expected: str) -> None:
    assert choose_version_from_ints(major, minor) == expected


@pytest.mark.parametrize(("major", "minor"), [(11, 0), (5, 0), (0, 0), (-1, 0), (13, -1)])
def test_from_ints_too_old_or_nonsense(major: int, minor: int) -> None:
    with pytest.raises(VersionError, match="QuickBooks 2013 or newer"):
        choose_version_from_ints(major, minor)


@pytest.mark.parametrize(
    ("version", "release"),
    [
        ("1.0", "2002"),
        ("1.1", "2002"),
        ("5.0", "2006"),
        ("12.0", "2013"),
        ("13.0", "2014"),
        ("14.0", "2018"),
        ("16.0", "2023"),
        ("99.0", "2023"),
        ("0.5", None),
        ("x", None),
    ],
)
def test_quickbooks_release(version: str, release: str | None) -> None:
    assert quickbooks_release(version) == release


@given(st.lists(st.text(max_size=8), max_size=6))
def test_any_list_gives_a_version_we_write_or_a_version_error(supported: list[str]) -> None:
    with contextlib.suppress(VersionError):
        assert choose_version(supported) in SUPPORTED_VERSIONS
