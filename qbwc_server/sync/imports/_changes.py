"""Who changed what since the last sync: QuickBooks (its EditSequence moved), the app (what
it would send differs from what it last sent), and when the app's change was made."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from qbwc_server.errors import SyncError
from qbwc_server.sync.export import current_hash
from qbwc_server.sync.exports import spec_for
from qbwc_server.sync.handlers import SyncEnv
from qbwc_server.sync.imports._base import Incoming
from qbxml.errors import QbxmlError
from request_queue.rows import LinkRow, RecordRow


def content_hash(env: SyncEnv, kind: str, data: dict[str, Any], suffix: str = "") -> str | None:
    """The hash of what the app would send for ``data`` now; None when it is not exported or
    cannot be built yet (the next export then links it as found)."""
    spec = spec_for(kind, "", data)
    if spec is None:
        return None
    try:
        return current_hash(spec, data, env, suffix)
    except (SyncError, QbxmlError, KeyError, ValueError, TypeError):
        return None


def qb_changed(link: LinkRow, item: Incoming) -> bool:
    """Whether QuickBooks changed the object since it was last synced: its EditSequence moved
    (else its TimeModified, when QuickBooks left one out)."""
    if link.edit_sequence and item.edit_sequence:
        return link.edit_sequence != item.edit_sequence
    if link.qb_time_modified is not None and item.time_modified is not None:
        return link.qb_time_modified != item.time_modified
    return True


def app_changed(env: SyncEnv, link: LinkRow, record: RecordRow) -> bool:
    """Whether the app changed the record since its last sync: what it would send now differs
    from what was last sent (else, for a record linked by a match and never sent, it was
    stored after the link was last synced)."""
    if link.content_hash is not None:
        wanted = content_hash(env, link.kind, record.data, link.name_suffix)
        if wanted is not None:
            return wanted != link.content_hash
    return record.updated_at > link.last_synced_at


def app_time(record: RecordRow) -> datetime:
    """When the app last changed the record: its ``updated_at`` field, else when it was stored."""
    value = record.data.get("updated_at")
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None and parsed.utcoffset() is not None:
            return parsed
    return record.updated_at


def app_later(record: RecordRow, qb_time: datetime | None) -> bool:
    return qb_time is None or app_time(record) > qb_time
