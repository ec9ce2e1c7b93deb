"""The settings form: every setting is on it; a valid form saves all of it; an invalid one
saves nothing and names each bad field beside it."""

from __future__ import annotations

import re
from typing import Any

from qbwc_server.models.settings import CompanySettings
from tests.integration.admin.conftest import Browser


def _form(browser: Browser, company_id: int) -> dict[str, Any]:
    """The settings form as the page fills it in (unticked boxes are not sent)."""
    page = browser.get(f"/admin/companies/{company_id}").get_data(as_text=True)
    form = page[page.index('id="settings"') : page.index("</form>", page.index('id="settings"'))]
    values: dict[str, Any] = {}
    for tag in re.findall(r"<(?:input|select)[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None or name.group(1) == "csrf":
            continue
        if 'type="checkbox"' in tag:
            if " checked" in tag:
                values[name.group(1)] = "1"
        elif tag.startswith("<select"):
            chosen = re.search(
                rf'<select[^>]*name="{name.group(1)}".*?<option value="([^"]*)" selected',
                form,
                re.S,
            )
            values[name.group(1)] = chosen.group(1) if chosen else ""
        else:
            value = re.search(r'value="([^"]*)"', tag)
            values[name.group(1)] = value.group(1) if value else ""
    return values


def test_every_setting_is_on_the_form(signed_in: Browser, company_id: int) -> None:
    page = signed_in.get(f"/admin/companies/{company_id}").get_data(as_text=True)
    for name in CompanySettings.model_fields:
        assert f'name="{name}"' in page, name
    form = _form(signed_in, company_id)
    assert form["customer_name_format"] == "{last_name}, {first_name}"
    assert form["sync_type"] == "manual" and "customer_job_export" in form
    assert "credit_memo_export" not in form  # off by default: the box is not ticked


def test_a_valid_form_saves_every_setting(signed_in: Browser, company_id: int) -> None:
    form = _form(signed_in, company_id)
    form.pop("invoice_export")  # untick
    form |= {
        "uppercase": "1",
        "sync_type": "automatic",
        "sync_contracts_after": "2025-01-31",
        "job_name_format": "{number} {name}",
        "payment_ar_account": "Accounts Receivable",
    }
    answer = signed_in.post(f"/admin/companies/{company_id}/settings", form)
    assert answer.status_code == 303
    saved = signed_in.ops.companies.get(company_id).settings
    assert saved["uppercase"] is True and saved["invoice_export"] is False
    assert saved["sync_type"] == "automatic" and saved["sync_contracts_after"] == "2025-01-31"
    assert saved["job_name_format"] == "{number} {name}"
    assert saved["payment_ar_account"] == "Accounts Receivable"
    page = signed_in.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Settings saved." in page
    assert "Settings saved." not in signed_in.get(answer.headers["Location"]).get_data(
        as_text=True
    )  # shown once
    again = _form(signed_in, company_id)
    assert again["sync_contracts_after"] == "2025-01-31" and again["uppercase"] == "1"
    form["payment_ar_account"] = form["sync_contracts_after"] = ""  # empty: back to none
    assert signed_in.post(f"/admin/companies/{company_id}/settings", form).status_code == 303
    saved = signed_in.ops.companies.get(company_id).settings
    assert saved["payment_ar_account"] is None and saved["sync_contracts_after"] is None


def test_an_invalid_form_saves_nothing_and_marks_each_bad_field(
    signed_in: Browser, company_id: int
) -> None:
    before = signed_in.ops.companies.get(company_id).settings
    form = _form(signed_in, company_id) | {
        "uppercase": "1",  # valid, but must not be saved with the rest
        "customer_name_format": "{nickname}",
        "sync_contracts_after": "2025-13-45",
        "expense_export_status": "whenever",
    }
    answer = signed_in.post(f"/admin/companies/{company_id}/settings", form)
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "Nothing was saved" in page
    marked = set(re.findall(r'id="error-([a-z_]+)"', page))
    assert marked == {"customer_name_format", "sync_contracts_after", "expense_export_status"}
    assert "unknown placeholder" in page and "paid_and_approved" in page
    assert 'value="{nickname}"' in page  # what was typed is kept for correcting
    assert signed_in.ops.companies.get(company_id).settings == before


def test_pause_and_resume(signed_in: Browser, company_id: int) -> None:
    answer = signed_in.post(f"/admin/companies/{company_id}/enabled", {"enabled": "0"})
    assert signed_in.ops.companies.get(company_id).enabled is False
    page = signed_in.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Syncing is paused" in page and 'id="resume"' in page
    signed_in.post(f"/admin/companies/{company_id}/enabled", {"enabled": "1"})
    assert signed_in.ops.companies.get(company_id).enabled is True
