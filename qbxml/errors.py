"""The errors qbxml raises: one small hierarchy with structured fields."""

from __future__ import annotations


class QbxmlError(Exception):
    """Base of every error raised by qbxml.

    ``code`` is a short machine-readable name, ``message`` says what went wrong in words,
    ``request_id`` names the qbXML request it concerns when there is one.
    """

    code = "qbxml_error"

    def __init__(self, message: str, *, request_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request_id = request_id

    def __str__(self) -> str:
        if self.request_id is not None:
            return f"{self.message} (request {self.request_id})"
        return self.message


class XmlParseError(QbxmlError):
    """The text is not well-formed XML, or it carries a DTD or an entity declaration."""

    code = "xml_parse_error"


class ResponseError(QbxmlError):
    """Well-formed XML that is not the qbXML response that was expected."""

    code = "response_error"


class BuildError(QbxmlError):
    """A record cannot be turned into a valid request (a required value is missing)."""

    code = "build_error"


class VersionError(QbxmlError):
    """The QuickBooks at the other end supports no qbXML version that we can speak."""

    code = "version_error"
