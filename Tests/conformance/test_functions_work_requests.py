"""Functions work requests on the emulator: the opc-work-request-id of application and function creates,
updates and deletes, read back with the real oci SDK's WorkRequestManagementClient (API 20260325) and with signed
raw requests (API 20181201)."""
import uuid

import oci
from oci._vendor import requests  # the requests the oci signer is made for
import pytest

from conftest import COMPARTMENT, SUBNET

FN = oci.functions.models


@pytest.fixture(scope="module")
def work_requests(emulator, oci_config):
    return oci.functions.WorkRequestManagementClient(oci_config, service_endpoint=emulator.url)


def followed(work_requests, response, operation, resource_id, action):
    """The work request a response names, waited on as the SDK's waiters do."""
    work_request_id = response.headers["opc-work-request-id"]
    done = oci.wait_until(work_requests, work_requests.get_work_request(work_request_id), "status", "SUCCEEDED", max_wait_seconds=10).data
    assert (done.id, done.operation_type, done.compartment_id, done.percent_complete) == (work_request_id, operation, COMPARTMENT, 100.0)
    assert done.time_accepted <= done.time_started <= done.time_finished
    (resource,) = done.resources
    assert (resource.identifier, resource.action_type) == (resource_id, action)
    return done


def test_every_change_has_a_work_request_that_succeeded(functions_management, work_requests):
    compartment_apps = FN.CreateApplicationDetails(compartment_id=COMPARTMENT, display_name="wr-" + uuid.uuid4().hex[:8], subnet_ids=[SUBNET])
    created_app = functions_management.create_application(compartment_apps)
    app = created_app.data
    followed(work_requests, created_app, "CREATE_APPLICATION", app.id, "CREATED")
    created = functions_management.create_function(FN.CreateFunctionDetails(
        display_name="fn", application_id=app.id, memory_in_mbs=128,
        source_details=FN.CreateContainerImageFunctionSourceDetails(image="oraclefn/echo")))
    function = created.data
    create = followed(work_requests, created, "CREATE_FUNCTION", function.id, "CREATED")
    assert create.resources[0].entity_type == "function"
    assert create.resources[0].entity_uri == f"/20260325/functions/{function.id}"
    updated = functions_management.update_function(function.id, FN.UpdateFunctionDetails(memory_in_mbs=256))
    followed(work_requests, updated, "UPDATE_FUNCTION", function.id, "UPDATED")
    followed(work_requests, functions_management.delete_function(function.id), "DELETE_FUNCTION", function.id, "DELETED")
    followed(work_requests, functions_management.update_application(app.id, FN.UpdateApplicationDetails(config={"A": "b"})),
             "UPDATE_APPLICATION", app.id, "UPDATED")
    followed(work_requests, functions_management.delete_application(app.id), "DELETE_APPLICATION", app.id, "DELETED")

    of_function = work_requests.list_work_requests(COMPARTMENT, resource_id=function.id).data.items
    assert [request.operation_type for request in of_function] == ["DELETE_FUNCTION", "UPDATE_FUNCTION", "CREATE_FUNCTION"], \
        "newest first"
    oldest_first = work_requests.list_work_requests(COMPARTMENT, resource_id=function.id, sort_order="ASC").data.items
    assert [request.id for request in oldest_first] == [request.id for request in reversed(of_function)]
    one = work_requests.list_work_requests(COMPARTMENT, work_request_id=create.id).data.items
    assert [request.id for request in one] == [create.id]
    assert work_requests.list_work_request_errors(create.id).data.items == []
    assert work_requests.list_work_request_logs(create.id).data.items == []

    everything = oci.pagination.list_call_get_all_results(work_requests.list_work_requests, COMPARTMENT, limit=2).data
    assert {create.id} <= {request.id for request in everything}
    assert work_requests.list_work_requests("ocid1.compartment.oc1..elsewhere").data.items == []


def test_unknown_work_request_is_404(work_requests):
    with pytest.raises(oci.exceptions.ServiceError) as missing:
        work_requests.get_work_request("ocid1.fnworkrequest.oc1..nosuch")
    assert (missing.value.status, missing.value.code) == (404, "NotAuthorizedOrNotFound")


def test_api_20181201_serves_the_same_work_requests(emulator, oci_config, functions_management):
    signer = oci.signer.Signer(oci_config["tenancy"], oci_config["user"], oci_config["fingerprint"], oci_config["key_file"])
    created = functions_management.create_application(FN.CreateApplicationDetails(
        compartment_id=COMPARTMENT, display_name="wr-old-" + uuid.uuid4().hex[:8], subnet_ids=[SUBNET]))
    try:
        work_request_id = created.headers["opc-work-request-id"]
        read = requests.get(f"{emulator.url}/20181201/workRequests/{work_request_id}", auth=signer)
        assert read.status_code == 200, read.text
        assert (read.json()["status"], read.json()["operationType"]) == ("SUCCEEDED", "CREATE_APPLICATION")
        listed = requests.get(f"{emulator.url}/20181201/workRequests?compartmentId={COMPARTMENT}&resourceId={created.data.id}", auth=signer)
        assert [item["id"] for item in listed.json()["items"]] == [work_request_id]
        unlisted = requests.get(f"{emulator.url}/20181201/workRequests", auth=signer)
        assert (unlisted.status_code, unlisted.json()["code"]) == (400, "MissingParameter")
        assert "compartmentId is mandatory" in unlisted.json()["message"]
    finally:
        functions_management.delete_application(created.data.id)
