"""Companies: create one (hashed Web Connector password, every setting at its default),
find, list, and change settings, name or password, or pause it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from qbwc_server.config import Settings
from qbwc_server.errors import NotFound
from qbwc_server.models import default_settings, merge_settings
from qbwc_server.models.settings import CompanyCreate, CompanyPatch
from qbwc_server.models.validation import FieldError, RecordInvalid, validate_model
from qbwc_server.qwc import DEFAULT_RUN_EVERY_MINUTES
from qbwc_server.secrets import generate_password, hash_generated, hash_password
from request_queue.errors import NotFound as StoreNotFound
from request_queue.rows import CompanyRow
from request_queue.store import Store, Tx

MAX_ID = 2**63 - 1  # the largest row id (BIGINT)


def find_company(tx: Tx, key: str | int) -> CompanyRow:
    """A company by id or Web Connector user name; NotFound saying which."""
    text = str(key)
    if text.isdigit() and not (text.isascii() and len(text) < 20 and int(text) <= MAX_ID):
        # not an id the database can hold ("²" is a digit to isdigit but not to int)
        raise NotFound(f"no company with id or user name {text!r}")
    try:
        return tx.companies.find(text)
    except StoreNotFound:
        raise NotFound(f"no company with id or user name {str(key)!r}") from None


def company_settings(company: CompanyRow) -> dict[str, Any]:
    """Every setting of the company, defaults filled in."""
    return {**default_settings(), **company.settings}


def _sent(model: Any) -> dict[str, Any]:
    """The settings a partial-settings model was given (nothing for None)."""
    if model is None:
        return {}
    return dict(model.model_dump(mode="json", exclude_unset=True))


@dataclass(frozen=True)
class NewCompany:
    """What create_new made: ``password`` is the generated Web Connector password, to show
    once (None when one was given, or when nothing was created)."""

    company: CompanyRow
    created: bool
    password: str | None


class Companies:
    """Operations on companies."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def create(self, payload: object, *, if_missing: bool = False) -> tuple[CompanyRow, bool]:
        """Create a company from {name, qbwc_username, qbwc_password, settings?, enabled?}.

        Returns (company, created); with ``if_missing`` an existing user name is returned as
        it is instead of being a conflict. The password is required here: a caller that can
        show a generated one uses create_new.
        """
        body = validate_model(CompanyCreate, payload, what="company")
        if body.qbwc_password is None:
            said = "qbwc_password: is required"
            raise RecordInvalid([FieldError("qbwc_password", said, "missing")], what="company")
        new = self.create_new(payload, if_missing=if_missing)
        return new.company, new.created

    def create_new(self, payload: object, *, if_missing: bool = False) -> NewCompany:
        """Create a company; without ``qbwc_password`` the server generates one (192 random
        bits, stored as a fast salted hash: docs/security.md) and returns it once, in
        NewCompany.password. A password given is stored as a slow PBKDF2 hash."""
        body = validate_model(CompanyCreate, payload, what="company")
        company_settings_ = merge_settings(default_settings(), _sent(body.settings))
        with self.store.transaction() as tx:
            existing = tx.companies.by_username(body.qbwc_username)
            if existing is not None and if_missing:
                return NewCompany(existing, False, None)
        generated = None
        if body.qbwc_password is None:
            generated = generate_password()
            hashed = hash_generated(generated)
        else:
            iterations = self.settings.password_hash_iterations
            hashed = hash_password(body.qbwc_password, iterations=iterations)
        with self.store.transaction() as tx:
            row = tx.companies.create(
                name=body.name,
                qbwc_username=body.qbwc_username,
                password_hash=hashed,
                owner_id=self.settings.owner_id,
                file_id="{" + str(uuid.uuid4()).upper() + "}",
                settings=company_settings_,
                enabled=True if body.enabled is None else body.enabled,
            )
            tx.log.write(row.id, "company_created", f"Company {row.name} created")
        return NewCompany(row, True, generated)

    def get(self, key: str | int) -> CompanyRow:
        with self.store.transaction() as tx:
            return find_company(tx, key)

    def all(self) -> list[CompanyRow]:
        with self.store.transaction() as tx:
            return tx.companies.all()

    def update(self, key: str | int, payload: object) -> CompanyRow:
        """Apply {enabled?, name?, settings?, qbwc_password?}: all of it, or nothing."""
        patch = validate_model(CompanyPatch, payload, what="company change")
        hashed = None
        if patch.qbwc_password is not None:
            hashed = hash_password(
                patch.qbwc_password, iterations=self.settings.password_hash_iterations
            )
        with self.store.transaction() as tx:
            company = find_company(tx, key)
            changes: dict[str, Any] = {}
            if patch.settings is not None:
                changes["settings"] = merge_settings(
                    company_settings(company), _sent(patch.settings)
                )
            if patch.enabled is not None:
                changes["enabled"] = patch.enabled
            if patch.name is not None:
                changes["name"] = patch.name
            if hashed is not None:
                changes["password_hash"] = hashed
            if changes:
                tx.companies.update(company.id, **changes)
                said = ", ".join(sorted(k if k != "password_hash" else "password" for k in changes))
                tx.log.write(company.id, "company_changed", f"Company changed: {said}")
            return tx.companies.get(company.id)

    def status(self, key: str | int) -> ConnectionStatus:
        """How the company's Web Connector is doing (for the admin pages)."""
        with self.store.transaction() as tx:
            return connection_status(tx, find_company(tx, key))

    def statuses(self) -> list[ConnectionStatus]:
        """Every company's connection status, oldest company first."""
        with self.store.transaction() as tx:
            return [connection_status(tx, c) for c in tx.companies.all()]


# -- connection status (read by the admin pages) ---------------------------------------------


@dataclass(frozen=True)
class ConnectionStatus:
    """A company's last session, its QuickBooks, and its queue.

    ``next_poll_due`` is an estimate: the Web Connector keeps its own schedule, so it is the
    last session plus the .qwc's RunEveryNMinutes default (None before the first session).
    """

    company: CompanyRow
    last_session_at: datetime | None
    last_session_result: str | None
    last_session_state: str | None
    last_error: str | None
    product: str | None
    version: str | None
    company_file: str | None
    qbxml_version: str | None
    next_poll_due: datetime | None
    queue: dict[str, int]


def connection_status(tx: Tx, company: CompanyRow) -> ConnectionStatus:
    """``company``'s ConnectionStatus, read in ``tx`` (three small queries)."""
    host = company.host_info or {}
    major, minor = host.get("major_version"), host.get("minor_version")
    version = f"{major}.{minor}" if major and minor else (str(major) if major else None)
    session = tx.sessions.last_for_company(company.id)
    last = company.last_session_at
    return ConnectionStatus(
        company=company,
        last_session_at=last,
        last_session_result=company.last_session_result,
        last_session_state=session.state if session is not None else None,
        last_error=(session.last_error or None) if session is not None else None,
        product=host.get("product_name"),
        version=version,
        company_file=company.company_file,
        qbxml_version=company.qbxml_version,
        next_poll_due=last + timedelta(minutes=DEFAULT_RUN_EVERY_MINUTES) if last else None,
        queue=tx.queue.counts(company.id).by_state,
    )
