"""schemathesis against a live server's own OpenAPI document, on SQLite and PostgreSQL.

Every operation of /api/v1/openapi.json gets generated requests, valid and invalid, with an
admin token, against a company that exists. Every answer must be documented (status, media
type, body schema); valid input must not be refused, invalid input must be; no 5xx ever.
Unsupported methods must get 405 with an Allow header. The number of examples is bounded so
the whole run stays near two minutes (QBWC_TEST_SCHEMATHESIS_EXAMPLES raises it for a deeper run;
QBWC_TEST_SCHEMATHESIS_SEED picks another seed).
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import Case, Config
from schemathesis.schemas import BaseSchema

from qbwc_server.api import ROUTES
from qbwc_server.api.openapi import build
from qbwc_server.models.settings import CUSTOMER_NAME_PLACEHOLDERS, JOB_NAME_PLACEHOLDERS
from tests.support.databases import postgres_database
from tests.support.live import LiveServer, live_server

PASSWORD = "s3cret-web-connector"
Served = tuple[LiveServer, dict[str, str]]
EXAMPLES = int(os.environ.get("QBWC_TEST_SCHEMATHESIS_EXAMPLES", "6"))
SEED = int(os.environ.get("QBWC_TEST_SCHEMATHESIS_SEED", "13"))

# The document names the record-id rule (str.isprintable) as the string format "printable".
schemathesis.openapi.format(
    "printable",
    st.text(
        st.characters(
            exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"),
            include_characters=" ",
        ),
        min_size=1,
        max_size=200,
    ),
)


def _template(placeholders: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Name templates as the server takes them (the document names them by format)."""
    text = st.text(st.characters(exclude_categories=("Cc",), exclude_characters="{}"), max_size=20)
    part = st.one_of(text, st.sampled_from([*("{" + p + "}" for p in placeholders), "{{", "}}"]))
    first = st.sampled_from(["{" + p + "}" for p in placeholders])
    return st.builds(
        lambda before, one, after: "".join(before) + one + "".join(after),
        st.lists(part, max_size=4),
        first,
        st.lists(part, max_size=4),
    )


schemathesis.openapi.format("customer-name-template", _template(CUSTOMER_NAME_PLACEHOLDERS))
schemathesis.openapi.format("job-name-template", _template(JOB_NAME_PLACEHOLDERS))

# Where a schema-valid value is still refused, by design:
# - links' ``after`` is an opaque cursor: a made-up one is a 400;
# - account and sales_tax_code records come from QuickBooks only: a PUT is always a 400.
_BY_DESIGN: list[dict[str, Any]] = [
    {
        "include-operation-id": ["links_index"],
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404"]}},
    },
    {
        "include-operation-id": ["put_account_record", "put_sales_tax_code_record"],
        "checks": {"positive_data_acceptance": {"enabled": False}},
    },
]


@contextmanager
def _server(backend: str, tmp: Path) -> Iterator[Served]:
    """A live server with one company and an admin token."""
    with ExitStack() as stack:
        if backend == "sqlite":
            url = f"sqlite:///{tmp / 'qbwc.db'}"
        else:
            url = stack.enter_context(postgres_database())
        live = stack.enter_context(live_server(url, tmp, workers=2))
        live.qbwc(
            "company",
            "create",
            "--name",
            "Ridgeline Remodeling",
            "--username",
            "ridgeline",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        token = live.qbwc("token", "create", "--name", "schemathesis", "--role", "admin").strip()
        yield live, {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def on_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with _server("sqlite", tmp_path_factory.mktemp("sqlite")) as served:
        yield served


@pytest.fixture(scope="module")
def on_postgresql(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with _server("postgresql", tmp_path_factory.mktemp("postgresql")) as served:
        yield served


def _schema(*, coverage: bool) -> BaseSchema:
    """The document the live server serves (checked below), read before any server runs so
    that each operation is a test of its own."""
    config = Config.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": EXAMPLES, "database": "none"},
            "parameters": {"cid": "ridgeline"},
            "phases": {"examples": {"enabled": False}, "coverage": {"enabled": coverage}},
            "operations": _BY_DESIGN,
        }
    )
    return schemathesis.openapi.from_dict(build(ROUTES), config=config)


# SQLite gets every phase: the coverage phase (boundary values, missing and wrong fields,
# unsupported methods) tests the request handling, which is the same on both databases;
# PostgreSQL gets the random (fuzzing) phase, which is what reaches its storage with
# unusual values. Together they stay near two minutes.
EVERY_PHASE = _schema(coverage=True)
FUZZING = _schema(coverage=False)


def test_the_live_server_serves_the_document_tested_here(on_sqlite: Served) -> None:
    live, _ = on_sqlite
    with urllib.request.urlopen(f"{live.base_url}/api/v1/openapi.json") as answer:
        assert answer.headers["Content-Type"] == "application/json"
        assert json.load(answer) == json.loads(json.dumps(build(ROUTES)))


@pytest.mark.slow
@EVERY_PHASE.parametrize()
def test_the_api_keeps_its_documents_promises_on_sqlite(case: Case, on_sqlite: Served) -> None:
    live, headers = on_sqlite
    case.call_and_validate(base_url=live.base_url, headers=headers)


@pytest.mark.slow
@pytest.mark.postgres
@FUZZING.parametrize()
def test_the_api_keeps_its_documents_promises_on_postgresql(
    case: Case, on_postgresql: Served
) -> None:
    live, headers = on_postgresql
    case.call_and_validate(base_url=live.base_url, headers=headers)
