"""Choosing the qbXML version to write from what the QuickBooks at the other end supports.

We write 13.0 (QuickBooks 2014 and newer) or 12.0 (QuickBooks 2013). The release years come
from the table "QuickBooks versions and their associated QBXML versions" in CData's QuickBooks
driver documentation (QBXMLVersion property): 2013 -> 12.0, 2014 -> 13.0, 2018 -> 14.0,
2022 -> 15.0, 2023 -> 16.0; the real strHCPResponse of QuickBooks Pro 2014 in the shared
samples lists 13.0 as its highest version, which agrees. Every QuickBooks also accepts the
older versions (Intuit's SDK keeps backward compatibility), so a newer one gets 13.0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from qbxml.context import SUPPORTED_VERSIONS
from qbxml.errors import VersionError

_VERSION = re.compile(r"^\s*([0-9]{1,3})\.([0-9]{1,3})\s*$")
_RELEASES = (
    ((1, 0), "2002"),
    ((2, 0), "2003"),
    ((3, 0), "2004"),
    ((4, 0), "2005"),
    ((5, 0), "2006"),
    ((6, 0), "2007"),
    ((7, 0), "2008"),
    ((8, 0), "2009"),
    ((9, 0), "2010"),
    ((10, 0), "2011"),
    ((11, 0), "2012"),
    ((12, 0), "2013"),
    ((13, 0), "2014"),
    ((14, 0), "2018"),
    ((15, 0), "2022"),
    ((16, 0), "2023"),
)


def _key(version: str) -> tuple[int, int] | None:
    match = _VERSION.match(version)
    return None if match is None else (int(match.group(1)), int(match.group(2)))


# The versions we write, newest first: (13, 0), (12, 0).
_OURS = tuple(sorted((k for k in map(_key, SUPPORTED_VERSIONS) if k), reverse=True))


def quickbooks_release(version: str) -> str | None:
    """The first QuickBooks Desktop (US) release that speaks qbXML ``version``, e.g. "2014"."""
    key = _key(version)
    if key is None:
        return None
    found = None
    for release_key, year in _RELEASES:
        if release_key <= key:
            found = year
    return found


def _pick(best: tuple[int, int] | None, described: str) -> str:
    if best is not None:
        for ours in _OURS:
            if best >= ours:
                return f"{ours[0]}.{ours[1]}"
    oldest = f"{_OURS[-1][0]}.{_OURS[-1][1]}"
    raise VersionError(
        f"{described}; qbwc-server needs QuickBooks {quickbooks_release(oldest)} or newer "
        f"(qbXML {oldest}). Update QuickBooks Desktop and run the Web Connector again."
    )


def choose_version(supported: Iterable[str]) -> str:
    """The qbXML version to write, from the SupportedQBXMLVersion list of the HostRet.

    "13.0" when QuickBooks lists 13.0 or anything newer, else "12.0" when it lists 12.0, else
    VersionError with a message a bookkeeper can act on. Country versions ("CA3.0") and text
    that is not a version number are ignored.
    """
    keys = [k for k in (_key(v) for v in supported) if k is not None]
    if not keys:
        return _pick(None, "This QuickBooks did not say which qbXML versions it supports")
    best = max(keys)
    return _pick(best, _up_to(best))


def _up_to(best: tuple[int, int]) -> str:
    version = f"{best[0]}.{best[1]}"
    release = quickbooks_release(version)
    made = f" (QuickBooks {release})" if release else ""
    return f"This QuickBooks supports qbXML up to {version}{made}"


def choose_version_from_ints(major: int, minor: int = 0) -> str:
    """The same choice from the qbXMLMajorVers/qbXMLMinorVers the Web Connector passes."""
    if major < 1 or minor < 0:
        return _pick(None, f"The Web Connector reported qbXML version {major}.{minor}")
    return _pick((major, minor), _up_to((major, minor)))
