"""The request kinds this server knows today."""

from __future__ import annotations

from qbwc_server.sync.imports import ACCOUNT_IMPORT
from qbwc_server.sync.kinds import KindRegistry

IMPORT_KINDS = {"accounts": ACCOUNT_IMPORT}


def default_registry() -> KindRegistry:
    return KindRegistry([ACCOUNT_IMPORT])
