"""FakeQuickBooks message sets: onError modes, error recovery, and what the processor refuses."""

from __future__ import annotations

import pytest

from qbwc_server.simulator.quickbooks import FakeQuickBooks, RequestProcessorError
from tests.support.schema import assert_valid, schema_dir, schema_for
from tests.unit.simulator.test_quickbooks_support import (
    DEMO,
    add,
    answers,
    code,
    demo,
    message_set,
    node,
    one,
    query,
    run,
)

PARSE = ("0x80040400", "QuickBooks found an error when parsing the provided XML text stream.")


def _set(on_error: str) -> tuple[FakeQuickBooks, list[int]]:
    qb = demo()
    responses = run(
        qb,
        add("Class", {"Name": "First"}, "1"),
        add("Class", {"Name": "Repair"}, "2"),  # 3100: name in use
        add("Class", {"Name": "Third"}, "3"),
        on_error=on_error,
    )
    return qb, [code(r) for r in responses]


def test_stop_on_error_stops_after_the_error_and_keeps_earlier_changes() -> None:
    qb, codes = _set("stopOnError")
    assert codes == [0, 3100]
    assert qb.find("Class", Name="First") and not qb.find("Class", Name="Third")


def test_continue_on_error_runs_everything() -> None:
    qb, codes = _set("continueOnError")
    assert codes == [0, 3100, 0]
    assert qb.find("Class", Name="First") and qb.find("Class", Name="Third")


def test_rollback_on_error_undoes_the_sets_changes() -> None:
    qb, codes = _set("rollbackOnError")
    assert codes == [0, 3100]
    assert not qb.find("Class", Name="First") and not qb.find("Class", Name="Third")
    # ids handed out by the undone add are handed out again
    again = one(qb, add("Class", {"Name": "First"}))
    assert code(again) == 0


def test_warnings_and_no_match_do_not_stop_a_set() -> None:
    qb = demo()
    responses = run(qb, query("Class", {"FullName": "Nope"}), add("Class", {"Name": "After"}))
    assert [code(r) for r in responses] == [500, 0]


def test_a_set_with_new_message_set_id_is_stored_and_given_back() -> None:
    qb = demo()
    first = qb.process(message_set(add("Class", {"Name": "Once"}), new_id="set-1"))
    msgs = answers(first)
    root_attrs = first.split("<QBXMLMsgsRs", 1)[1].split(">", 1)[0]
    assert 'newMessageSetID="set-1"' in root_attrs and 'messageSetStatusCode="0"' in root_attrs
    assert code(msgs[0]) == 0
    recovered = qb.process(message_set(old_id="set-1"))
    assert recovered == first
    assert len(qb.find("Class", Name="Once")) == 1  # asking did not add it again


def test_an_unknown_old_message_set_id_says_nothing_is_stored() -> None:
    answer = demo().process(message_set(old_id="never-sent"))
    assert 'messageSetStatusCode="600"' in answer and answers(answer) == []
    if (schema_dir() / "13.0").is_dir():
        assert_valid(answer, "13.0")


def test_clear_all_message_sets_forgets_them() -> None:
    qb = demo()
    qb.process(message_set(add("Class", {"Name": "Once"}), new_id="set-1"))
    qb.process(message_set(query("Class", {"FullName": "Once"}), old_id="ClearAllMessageSets"))
    assert 'messageSetStatusCode="600"' in qb.process(message_set(old_id="set-1"))


def test_a_message_set_id_over_24_characters_is_9004() -> None:
    answer = demo().process(message_set(add("Class", {"Name": "X"}), new_id="x" * 25))
    assert 'messageSetStatusCode="9004"' in answer


@pytest.mark.parametrize(
    "document",
    [
        "",
        "<QBXML><QBXMLMsgsRq onError='stopOnError'>",
        '<!DOCTYPE x [<!ENTITY e "x">]><QBXML/>',
        '<?xml version="1.0"?><QBXML><QBXMLMsgsRq onError="stopOnError"/></QBXML>',  # no <?qbxml?>
        '<?xml version="1.0"?><?qbxml version="13.0"?><Other/>',
    ],
)
def test_unreadable_requests_raise_the_parse_hresult(document: str) -> None:
    with pytest.raises(RequestProcessorError) as caught:
        demo().process(document)
    assert (caught.value.hresult, caught.value.message) == PARSE


def test_a_version_this_quickbooks_does_not_support_is_refused() -> None:
    qb = FakeQuickBooks(supported_versions=("1.0", "12.0"))
    with pytest.raises(RequestProcessorError):
        qb.process(message_set(query("Class"), version="13.0"))
    assert code(answers(qb.process(message_set(query("Class"), version="12.0")))[0]) == 1


def test_schema_invalid_request_raises_when_schemas_are_given() -> None:
    schema_for("13.0")  # skips with a reason when Intuit's schema is absent
    qb = FakeQuickBooks(schema_dir=schema_dir())
    out_of_order = node(
        "CustomerAddRq", {"CustomerAdd": {"FirstName": "A", "Name": "B"}}, requestID="1"
    )
    with pytest.raises(RequestProcessorError) as caught:
        qb.process(message_set(out_of_order))
    assert caught.value.hresult == "0x80040400"
    assert not qb.find("Customer")
    good = node("CustomerAddRq", {"CustomerAdd": {"Name": "B", "FirstName": "A"}}, requestID="1")
    assert code(answers(qb.process(message_set(good)))[0]) == 0


def test_a_request_the_fake_does_not_implement_is_1030() -> None:
    response = one(demo(), node("EstimateQueryRq", requestID="9"))
    assert (response.tag, code(response), response.get("statusSeverity")) == (
        "EstimateQueryRs",
        1030,
        "Error",
    )
    assert response.get("requestID") == "9"


def test_response_data_include_none_keeps_only_statuses() -> None:
    qb = demo()
    document = message_set(add("Class", {"Name": "Quiet"}), query("Class"))
    quiet = 'onError="stopOnError" responseData="includeNone"'
    document = document.replace('onError="stopOnError"', quiet)
    responses = answers(qb.process(document))
    assert [(code(r), len(r)) for r in responses] == [(0, 0), (0, 0)]
    assert qb.find("Class", Name="Quiet")


def test_responses_start_like_quickbooks() -> None:
    answer = demo().process(message_set(query("Class")))
    assert answer.startswith(
        '<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n<ClassQueryRs requestID="1"'
    )
    assert "<?qbxml" not in answer


def test_host_company_and_preferences_queries() -> None:
    qb = FakeQuickBooks(product="QuickBooks Premier 2023", class_tracking=False)
    responses = run(
        qb,
        node("HostQueryRq", requestID="0"),
        node("CompanyQueryRq", requestID="1"),
        node("PreferencesQueryRq", requestID="2"),
    )
    assert [r.findtext("*/ProductName") for r in responses[:1]] == ["QuickBooks Premier 2023"]
    assert responses[1].findtext("CompanyRet/CompanyName") == "Demo Contracting"
    assert (
        responses[2].findtext("PreferencesRet/AccountingPreferences/IsUsingClassTracking")
        == "false"
    )


def test_hcp_response_is_shaped_like_the_real_one() -> None:
    hcp = demo().hcp_response()
    rs = answers(hcp)
    assert [r.tag for r in rs] == ["HostQueryRs", "CompanyQueryRs", "PreferencesQueryRs"]
    assert [r.get("requestID") for r in rs] == ["0", "1", "2"]
    versions = [v.text for v in rs[0].iter("SupportedQBXMLVersion")]
    assert "13.0" in versions and "16.0" in versions
    assert (
        rs[2].find("PreferencesRet/SalesTaxPreferences/DefaultTaxableSalesTaxCodeRef") is not None
    )
    if (schema_dir() / "13.0").is_dir():
        assert_valid(hcp, "13.0")
    untaxed = FakeQuickBooks(sales_tax=False)
    untaxed.seed(DEMO)
    assert "SalesTaxPreferences" not in untaxed.hcp_response()
