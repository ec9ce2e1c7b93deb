"""The request handlers this server knows: an export and a lookup per exported entity, and
the imports."""

from __future__ import annotations

from qbwc_server.sync.export import ExportHandler
from qbwc_server.sync.exports import SPECS
from qbwc_server.sync.handlers import HandlerRegistry, RequestHandler
from qbwc_server.sync.imports import HANDLERS, IMPORT_KINDS
from qbwc_server.sync.matching import LookupHandler

__all__ = ["IMPORT_KINDS", "default_registry"]


def default_registry() -> HandlerRegistry:
    handlers: list[RequestHandler] = [*HANDLERS]
    for spec in SPECS:
        handlers += [ExportHandler(spec), LookupHandler(spec)]
    return HandlerRegistry(handlers)
