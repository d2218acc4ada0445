"""OCI Logging on the emulator through the real oci SDK: log groups and logs with their work requests (API
20200531), an application's invoke log, and SearchLogs (API 20190909) over what handlers print, with the query
language subset Functions invoke logs need, time windows, paging and 400s for bad queries."""
import datetime
import time
import uuid

import oci
import pytest

from conftest import COMPARTMENT, SUBNET

FN = oci.functions.models
LOGGING = oci.logging.models
SEARCH = oci.loggingsearch.models
INVOKE_TYPE = "com.oraclecloud.functions.application.functioninvoke"


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def logging_management(emulator, oci_config):
    return oci.logging.LoggingManagementClient(oci_config, service_endpoint=emulator.url)


@pytest.fixture(scope="module")
def log_search(emulator, oci_config):
    return oci.loggingsearch.LogSearchClient(oci_config, service_endpoint=emulator.url)


def make_application(functions_management, emulator):
    """An application with a hello function (prints `hello: greeting NAME for call ID` to stdout)."""
    app = functions_management.create_application(FN.CreateApplicationDetails(
        compartment_id=COMPARTMENT, display_name=unique("logs-app"), subnet_ids=[SUBNET])).data
    function = functions_management.create_function(FN.CreateFunctionDetails(
        display_name=unique("hello"), application_id=app.id, memory_in_mbs=128,
        source_details=FN.CreateContainerImageFunctionSourceDetails(image="oraclefn/hello"))).data
    return app, function


def invoke(emulator, oci_config, function, body):
    invoker = oci.functions.FunctionsInvokeClient(oci_config, service_endpoint=function.invoke_endpoint)
    answer = invoker.invoke_function(function.id, invoke_function_body=body)
    assert answer.status == 200
    return answer


def created_resource(logging_management, response, entity_type):
    """The OCID the 202's work request says it created, followed as an SDK waiter follows it."""
    assert response.status == 202
    work_request_id = response.headers["opc-work-request-id"]
    done = oci.wait_until(logging_management, logging_management.get_work_request(work_request_id), "status", "SUCCEEDED",
                          max_wait_seconds=10).data
    assert done.percent_complete == 100.0
    (resource,) = [r for r in done.resources if r.entity_type == entity_type]
    assert resource.action_type == "CREATED"
    return resource.identifier


def enable_invoke_log(logging_management, app):
    group_name = unique("group")
    group_id = created_resource(logging_management, logging_management.create_log_group(LOGGING.CreateLogGroupDetails(
        compartment_id=COMPARTMENT, display_name=group_name, description="invoke logs")), "loggroup")
    source = LOGGING.OciService(service="functions", resource=app.id, category="invoke")
    log_id = created_resource(logging_management, logging_management.create_log(group_id, LOGGING.CreateLogDetails(
        display_name=app.display_name + "_invoke", log_type="SERVICE", is_enabled=True,
        configuration=LOGGING.Configuration(source=source))), "log")
    return group_id, group_name, log_id


@pytest.fixture(scope="module")
def invoke_log(emulator, oci_config, functions_management, logging_management):
    """An application whose invoke log is enabled after one call and before three more, and a second
    application without one."""
    app, function = make_application(functions_management, emulator)
    invoke(emulator, oci_config, function, "before")
    group_id, group_name, log_id = enable_invoke_log(logging_management, app)
    for name in ("one", "two", "three"):
        invoke(emulator, oci_config, function, name)
    _, other = make_application(functions_management, emulator)
    invoke(emulator, oci_config, other, "unlogged")
    return dict(app=app, function=function, group_id=group_id, group_name=group_name, log_id=log_id)


def window(minutes=10):
    now = datetime.datetime.now(datetime.timezone.utc)
    return now - datetime.timedelta(minutes=minutes), now + datetime.timedelta(minutes=1)


def search(log_search, query, **kwargs):
    start, end = kwargs.pop("window", window())
    details = SEARCH.SearchLogsDetails(time_start=start, time_end=end, search_query=query,
                                       is_return_field_info=kwargs.pop("fields", False))
    return log_search.search_logs(details, **kwargs)


def messages(response):
    return [result.data["logContent"]["data"]["message"] for result in response.data.results]


def scope(log):
    return f'search "{COMPARTMENT}/{log["group_id"]}/{log["log_id"]}"'


def test_log_group_and_log_are_read_back_and_listed(logging_management, invoke_log):
    group = logging_management.get_log_group(invoke_log["group_id"]).data
    assert (group.display_name, group.compartment_id, group.lifecycle_state) == (invoke_log["group_name"], COMPARTMENT, "ACTIVE")
    listed = logging_management.list_log_groups(COMPARTMENT, display_name=invoke_log["group_name"]).data
    assert [g.id for g in listed] == [group.id]

    log = logging_management.get_log(group.id, invoke_log["log_id"]).data
    assert (log.log_type, log.is_enabled, log.lifecycle_state, log.log_group_id) == ("SERVICE", True, "ACTIVE", group.id)
    assert (log.configuration.source.service, log.configuration.source.resource, log.configuration.source.category) == (
        "functions", invoke_log["app"].id, "invoke")
    by_source = logging_management.list_logs(group.id, source_service="functions", source_resource=invoke_log["app"].id).data
    assert [entry.id for entry in by_source] == [log.id]
    assert logging_management.list_logs(group.id, source_resource="ocid1.fnapp.oc1..other").data == []

    requests = logging_management.list_work_requests(COMPARTMENT).data
    assert {"CREATE_LOG_GROUP", "CREATE_LOG"} <= {request.operation_type for request in requests}


def test_a_second_invoke_log_of_an_application_and_bad_sources_are_refused(logging_management, invoke_log):
    def create(source, log_type="SERVICE"):
        with pytest.raises(oci.exceptions.ServiceError) as refused:
            logging_management.create_log(invoke_log["group_id"], LOGGING.CreateLogDetails(
                display_name=unique("log"), log_type=log_type, configuration=LOGGING.Configuration(source=source)))
        return refused.value

    again = create(LOGGING.OciService(service="functions", resource=invoke_log["app"].id, category="invoke"))
    assert (again.status, again.code) == (409, "Conflict")
    assert invoke_log["log_id"] in again.message
    other_service = create(LOGGING.OciService(service="objectstorage", resource="bucket", category="write"))
    assert (other_service.status, other_service.code) == (400, "InvalidParameter")
    assert "invoke logs of Functions applications only" in other_service.message
    no_app = create(LOGGING.OciService(service="functions", resource="ocid1.fnapp.oc1..nosuchapp", category="invoke"))
    assert (no_app.status, no_app.code) == (404, "RelatedResourceNotAuthorizedOrNotFound")


def test_search_finds_what_the_handler_printed_as_functions_invoke_records(log_search, invoke_log):
    found = search(log_search, scope(invoke_log) + " | sort by datetime asc", fields=True)
    assert found.status == 200
    assert [m.split(" for call ")[0] for m in messages(found)] == [
        "hello: greeting one", "hello: greeting two", "hello: greeting three"], "only lines written once the log was enabled"
    record = found.data.results[0].data
    content = record["logContent"]
    assert content["type"] == INVOKE_TYPE
    assert content["source"] == invoke_log["function"].display_name
    assert content["data"]["functionId"] == invoke_log["function"].id
    assert content["data"]["applicationId"] == invoke_log["app"].id
    assert content["data"]["src"] == "STDOUT"
    assert content["data"]["message"].endswith(content["data"]["requestId"])
    assert content["oracle"]["logid"] == invoke_log["log_id"]
    assert content["oracle"]["loggroupid"] == invoke_log["group_id"]
    assert content["oracle"]["compartmentid"] == COMPARTMENT
    assert content["time"].endswith("Z") and content["id"]
    assert abs(record["datetime"] / 1000 - time.time()) < 600
    assert found.data.summary.result_count == 3
    assert "data.message" in {field.field_name for field in found.data.fields}

    again = search(log_search, scope(invoke_log))
    assert [r.data["logContent"]["id"] for r in again.data.results] == [r.data["logContent"]["id"] for r in found.data.results], \
        "a record keeps its id from one search to the next"


def test_scopes_of_a_compartment_a_group_and_names(log_search, invoke_log):
    everything = messages(search(log_search, f'search "{COMPARTMENT}"'))
    assert sum("greeting one" in m for m in everything) == 1
    assert not any("unlogged" in m for m in everything), "an application without an invoke log has no records"
    by_group = messages(search(log_search, f'search "{COMPARTMENT}/{invoke_log["group_name"]}"'))
    assert len(by_group) == 3
    by_names = messages(search(log_search, f'search "{COMPARTMENT}/{invoke_log["group_name"]}/{invoke_log["app"].display_name}_invoke"'))
    assert by_names == by_group


def test_where_and_sort(log_search, invoke_log):
    def where(condition):
        return messages(search(log_search, f"{scope(invoke_log)} | where {condition} | sort by datetime asc"))

    second = search(log_search, scope(invoke_log)).data.results[1].data["logContent"]["data"]
    assert where(f"data.message = '{second['message']}'") == [second["message"]]
    assert where("data.message = 'hello: greeting two'") == [], "= compares whole values"
    request_id = second["requestId"]
    assert [m.split(" for call ")[0] for m in where(f"data.requestId = '{request_id}'")] == ["hello: greeting two"]
    assert len(where(f"type = '{INVOKE_TYPE}' and logContent.subject = ''")) == 3
    assert len(where(f"data.requestId != '{request_id}' AND data.src = 'STDOUT'")) == 2
    assert len(where(f"(data.requestId = '{request_id}' or data.src = 'STDERR') and source = '{invoke_log['function'].display_name}'")) == 1
    assert where("data.functionId = 'ocid1.fnfunc.oc1..other'") == []
    newest_first = messages(search(log_search, scope(invoke_log) + " | sort by datetime desc"))
    assert [m.split(" for call ")[0] for m in newest_first] == ["hello: greeting three", "hello: greeting two", "hello: greeting one"]


def test_time_window_and_paging(log_search, invoke_log):
    start, end = window()
    assert messages(search(log_search, scope(invoke_log), window=(start - datetime.timedelta(hours=1), start))) == []
    pages, page = [], None
    while True:
        response = search(log_search, scope(invoke_log) + " | sort by datetime asc", limit=1, page=page)
        pages.append(messages(response))
        page = response.headers.get("opc-next-page")
        if not page:
            break
    assert [len(p) for p in pages] == [1, 1, 1]
    assert [p[0] for p in pages] == messages(search(log_search, scope(invoke_log) + " | sort by datetime asc"))


@pytest.mark.parametrize("query, complaint", [
    ("where data.message = 'x'", "starts with search"),
    (f'search {COMPARTMENT}', "quoted scope"),
    (f'search "{COMPARTMENT}" | where data.message ~ \'x\'', "unexpected '~'"),
    (f'search "{COMPARTMENT}" | where data.message = \'x', "unclosed"),
    (f'search "{COMPARTMENT}" | where data.message =', "expected a quoted value or a number after data.message ="),
    (f'search "{COMPARTMENT}" | stats count', "'stats' is not served"),
    (f'search "{COMPARTMENT}" | sort datetime', "sort by <field>"),
    (f'search "{COMPARTMENT}/no-such-group"', "log group 'no-such-group'"),
    (f'search "{COMPARTMENT}//log"', "is not \"<compartment OCID>[/<log group>[/<log>]]\""),
])
def test_bad_queries_are_400_naming_what_is_wrong(log_search, invoke_log, query, complaint):
    with pytest.raises(oci.exceptions.ServiceError) as bad:
        search(log_search, query)
    assert (bad.value.status, bad.value.code) == (400, "InvalidParameter")
    assert complaint in bad.value.message


def test_bad_time_window_and_limit_are_400(log_search, invoke_log):
    start, end = window()
    with pytest.raises(oci.exceptions.ServiceError) as reversed_window:
        search(log_search, scope(invoke_log), window=(end, start))
    assert reversed_window.value.status == 400 and "is after timeEnd" in reversed_window.value.message
    with pytest.raises(oci.exceptions.ServiceError) as too_many:
        search(log_search, scope(invoke_log), limit=5000)
    assert too_many.value.status == 400 and "limit must be a whole number from 1 to 1000" in too_many.value.message
