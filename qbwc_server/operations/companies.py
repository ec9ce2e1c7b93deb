"""Companies: create one (hashed Web Connector password, every setting at its default),
find, list, and change settings, name or password, or pause it."""

from __future__ import annotations

import uuid
from typing import Any

from qbwc_server.config import Settings
from qbwc_server.errors import NotFound
from qbwc_server.models import default_settings, merge_settings
from qbwc_server.models.settings import CompanyCreate, CompanyPatch
from qbwc_server.models.validation import validate_model
from qbwc_server.secrets import hash_password
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


class Companies:
    """Operations on companies."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def create(self, payload: object, *, if_missing: bool = False) -> tuple[CompanyRow, bool]:
        """Create a company from {name, qbwc_username, qbwc_password, settings?, enabled?}.

        Returns (company, created); with ``if_missing`` an existing user name is returned as
        it is instead of being a conflict.
        """
        body = validate_model(CompanyCreate, payload, what="company")
        company_settings_ = merge_settings(default_settings(), _sent(body.settings))
        with self.store.transaction() as tx:
            existing = tx.companies.by_username(body.qbwc_username)
            if existing is not None and if_missing:
                return existing, False
        hashed = hash_password(
            body.qbwc_password, iterations=self.settings.password_hash_iterations
        )
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
        return row, True

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
