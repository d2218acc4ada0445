"""The Functions management API on the emulator through the real oci SDK (API 20260325) and signed raw
requests (API 20181201): application and function lifecycle, paging, conflicts, etags and 404s."""
import json
import uuid

import oci
import pytest
from oci._vendor import requests  # the requests the oci signer is made for

from conftest import COMPARTMENT, SUBNET

MODELS = oci.functions.models


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def application(functions_management):
    details = MODELS.CreateApplicationDetails(
        compartment_id=COMPARTMENT, display_name=unique("app"), subnet_ids=[SUBNET], config={"SHARED": "app"},
        freeform_tags={"team": "conformance"},
    )
    app = functions_management.create_application(details).data
    yield app
    for function in oci.pagination.list_call_get_all_results(functions_management.list_functions, app.id).data:
        functions_management.delete_function(function.id)
    functions_management.delete_application(app.id)


def create_function(functions_management, application, **overrides):
    details = dict(
        display_name=unique("fn"), application_id=application.id, memory_in_mbs=256, timeout_in_seconds=60,
        config={"OWN": "fn"}, freeform_tags={"kind": "echo"},
        source_details=MODELS.CreateContainerImageFunctionSourceDetails(image="iad.ocir.io/ns/oraclefn/echo:1"),
    )
    details.update(overrides)
    return functions_management.create_function(MODELS.CreateFunctionDetails(**details))


def test_application_lifecycle(functions_management, application):
    assert application.lifecycle_state == "ACTIVE"
    assert application.subnet_ids == [SUBNET]
    assert application.freeform_tags == {"team": "conformance"}
    read = functions_management.get_application(application.id)
    assert read.data.display_name == application.display_name
    assert read.headers["etag"]
    waited = oci.wait_until(functions_management, read, "lifecycle_state", "ACTIVE", max_wait_seconds=5)
    assert waited.data.id == application.id

    functions_management.update_application(application.id, MODELS.UpdateApplicationDetails(config={"SHARED": "changed"}))
    assert functions_management.get_application(application.id).data.config == {"SHARED": "changed"}

    with pytest.raises(oci.exceptions.ServiceError) as conflict:
        functions_management.create_application(MODELS.CreateApplicationDetails(
            compartment_id=COMPARTMENT, display_name=application.display_name, subnet_ids=[SUBNET]))
    assert (conflict.value.status, conflict.value.code) == (409, "Conflict")


def test_deleted_application_is_404(functions_management):
    created = functions_management.create_application(MODELS.CreateApplicationDetails(
        compartment_id=COMPARTMENT, display_name=unique("gone"), subnet_ids=[SUBNET])).data
    assert functions_management.delete_application(created.id).status == 204
    with pytest.raises(oci.exceptions.ServiceError) as missing:
        functions_management.get_application(created.id)
    assert (missing.value.status, missing.value.code) == (404, "NotAuthorizedOrNotFound")


def test_list_applications_pages_and_filters(functions_management):
    compartment = "ocid1.compartment.oc1..aaaaaaaapaging" + uuid.uuid4().hex[:8]
    names = sorted(unique("paged") for _ in range(7))
    ids = [functions_management.create_application(MODELS.CreateApplicationDetails(
        compartment_id=compartment, display_name=name, subnet_ids=[SUBNET])).data.id for name in names]
    try:
        first = functions_management.list_applications(compartment, limit=3, sort_by="displayName")
        assert [app.display_name for app in first.data] == names[:3]
        assert first.has_next_page
        everything = oci.pagination.list_call_get_all_results(
            functions_management.list_applications, compartment, limit=3, sort_by="displayName", sort_order="DESC").data
        assert [app.display_name for app in everything] == names[::-1]
        one = functions_management.list_applications(compartment, display_name=names[4], lifecycle_state="ACTIVE").data
        assert [app.id for app in one] == [ids[4]]
    finally:
        for app_id in ids:
            functions_management.delete_application(app_id)


def test_function_lifecycle(emulator, functions_management, application):
    created = create_function(functions_management, application)
    function = created.data
    assert function.lifecycle_state == "ACTIVE"
    assert function.invoke_endpoint == emulator.url
    assert function.source_details.image == "iad.ocir.io/ns/oraclefn/echo:1"
    assert (function.memory_in_mbs, function.timeout_in_seconds) == (256, 60)
    assert function.config == {"OWN": "fn"}
    assert function.compartment_id == COMPARTMENT

    etag = functions_management.get_function(function.id).headers["etag"]
    functions_management.update_function(function.id, MODELS.UpdateFunctionDetails(memory_in_mbs=512), if_match=etag)
    assert functions_management.get_function(function.id).data.memory_in_mbs == 512
    with pytest.raises(oci.exceptions.ServiceError) as stale:
        functions_management.update_function(function.id, MODELS.UpdateFunctionDetails(memory_in_mbs=1024), if_match=etag)
    assert stale.value.status == 412

    listed = functions_management.list_functions(application.id).data
    assert [summary.id for summary in listed] == [function.id]

    with pytest.raises(oci.exceptions.ServiceError) as conflict:
        create_function(functions_management, application, display_name=function.display_name)
    assert (conflict.value.status, conflict.value.code) == (409, "Conflict")
    with pytest.raises(oci.exceptions.ServiceError) as busy:
        functions_management.delete_application(application.id)
    assert busy.value.status == 409

    assert functions_management.delete_function(function.id).status == 204
    with pytest.raises(oci.exceptions.ServiceError) as missing:
        functions_management.get_function(function.id)
    assert (missing.value.status, missing.value.code) == (404, "NotAuthorizedOrNotFound")


def test_function_validation_errors_are_400(functions_management, application):
    with pytest.raises(oci.exceptions.ServiceError) as memory:
        create_function(functions_management, application, memory_in_mbs=100)
    assert (memory.value.status, memory.value.code) == (400, "InvalidParameter")
    assert "memoryInMBs" in memory.value.message
    with pytest.raises(oci.exceptions.ServiceError) as timeout:
        create_function(functions_management, application, timeout_in_seconds=301)
    assert "timeoutInSeconds" in timeout.value.message


def test_api_20181201_serves_the_same_resources(emulator, oci_config, functions_management, application):
    """The Go SDK, the fn CLI and older Python SDKs speak 20181201: `image` at the top level."""
    signer = oci.signer.Signer(oci_config["tenancy"], oci_config["user"], oci_config["fingerprint"], oci_config["key_file"])
    body = {"displayName": unique("old"), "applicationId": application.id, "memoryInMBs": 128, "image": "oraclefn/hello:2"}
    created = requests.post(f"{emulator.url}/20181201/functions", data=json.dumps(body), auth=signer,
                            headers={"content-type": "application/json"})
    assert created.status_code == 200, created.text
    assert created.headers["etag"] and created.headers["opc-request-id"]
    function = created.json()
    assert function["image"] == "oraclefn/hello:2" and function["timeoutInSeconds"] == 30
    newer = functions_management.get_function(function["id"]).data
    assert newer.source_details.image == "oraclefn/hello:2"
    listed = requests.get(f"{emulator.url}/20181201/functions?applicationId={application.id}&limit=1", auth=signer)
    assert listed.status_code == 200 and len(listed.json()) == 1
    assert "config" not in listed.json()[0]
