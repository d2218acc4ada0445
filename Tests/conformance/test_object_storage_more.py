"""Object Storage beyond buckets and objects, through the real oci SDK: rename, copy and its work request,
storage tiers, bucket update and approximate totals, namespace metadata, object versions, lifecycle policies,
replication policies and pre-authenticated requests (used unsigned, as anyone holding the URL would)."""
import datetime
import uuid

import oci
import pytest
from oci._vendor import requests  # a plain HTTP client: PAR URLs carry no signature

from conftest import COMPARTMENT

MODELS = oci.object_storage.models


def in_minutes(minutes):
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=minutes)


def service_error(call, *args, **kwargs):
    with pytest.raises(oci.exceptions.ServiceError) as failure:
        call(*args, **kwargs)
    return failure.value


def test_rename_moves_the_object_and_honours_its_conditions(object_storage, namespace, bucket):
    put = object_storage.put_object(namespace, bucket, "old", b"renamed bytes", opc_meta={"owner": "ada"}, storage_tier="InfrequentAccess")
    object_storage.put_object(namespace, bucket, "taken", b"other")

    refused = service_error(object_storage.rename_object, namespace, bucket, MODELS.RenameObjectDetails(
        source_name="old", new_name="taken", new_obj_if_none_match_e_tag="*"))
    assert (refused.status, refused.code) == (412, "IfNoneMatchFailed")
    stale = service_error(object_storage.rename_object, namespace, bucket, MODELS.RenameObjectDetails(
        source_name="old", new_name="new", src_obj_if_match_e_tag="not-the-etag"))
    assert (stale.status, stale.code) == (412, "IfMatchFailed")

    renamed = object_storage.rename_object(namespace, bucket, MODELS.RenameObjectDetails(
        source_name="old", new_name="dir/new", src_obj_if_match_e_tag=put.headers["etag"]))
    assert renamed.status == 200 and renamed.headers["etag"]
    got = object_storage.get_object(namespace, bucket, "dir/new")
    assert got.data.content == b"renamed bytes"
    assert got.headers["opc-meta-owner"] == "ada" and got.headers["storage-tier"] == "InfrequentAccess"
    assert service_error(object_storage.head_object, namespace, bucket, "old").status == 404
    missing = service_error(object_storage.rename_object, namespace, bucket, MODELS.RenameObjectDetails(source_name="old", new_name="x"))
    assert (missing.status, missing.code) == (404, "ObjectNotFound")


def test_copy_carries_metadata_and_tier_and_answers_with_a_completed_work_request(object_storage, namespace, bucket, oci_config):
    object_storage.put_object(namespace, bucket, "source", b"copy me", content_type="text/plain", opc_meta={"owner": "ada"})
    other = "copy-" + uuid.uuid4().hex[:8]
    object_storage.create_bucket(namespace, MODELS.CreateBucketDetails(name=other, compartment_id=COMPARTMENT))
    try:
        copied = object_storage.copy_object(namespace, bucket, MODELS.CopyObjectDetails(
            source_object_name="source", destination_region=oci_config["region"], destination_namespace=namespace,
            destination_bucket=other, destination_object_name="copied", destination_object_storage_tier="InfrequentAccess"))
        assert copied.status == 202
        work_request = object_storage.get_work_request(copied.headers["opc-work-request-id"]).data
        assert (work_request.status, work_request.operation_type, work_request.percent_complete) == ("COMPLETED", "COPY_OBJECT", 100.0)
        assert work_request.compartment_id == COMPARTMENT
        assert [resource.entity_uri for resource in work_request.resources] == [
            f"/n/{namespace}/b/{bucket}/o/source", f"/n/{namespace}/b/{other}/o/copied"]
        listed = object_storage.list_work_requests(COMPARTMENT).data
        assert work_request.id in [summary.id for summary in listed]
        assert object_storage.list_work_request_errors(work_request.id).data == []

        got = object_storage.get_object(namespace, other, "copied")
        assert got.data.content == b"copy me"
        assert (got.headers["content-type"], got.headers["opc-meta-owner"], got.headers["storage-tier"]) == ("text/plain", "ada", "InfrequentAccess")

        # new metadata replaces the source's; without a tier the copy gets the bucket's (Standard)
        object_storage.copy_object(namespace, bucket, MODELS.CopyObjectDetails(
            source_object_name="source", destination_region=oci_config["region"], destination_namespace=namespace,
            destination_bucket=bucket, destination_object_name="again", destination_object_metadata={"opc-meta-stage": "two"}))
        head = object_storage.head_object(namespace, bucket, "again")
        assert head.headers["opc-meta-stage"] == "two" and "opc-meta-owner" not in head.headers
        assert head.headers["storage-tier"] == "Standard"

        refused = service_error(object_storage.copy_object, namespace, bucket, MODELS.CopyObjectDetails(
            source_object_name="source", destination_region=oci_config["region"], destination_namespace=namespace,
            destination_bucket=other, destination_object_name="copied", destination_object_if_none_match_e_tag="*"))
        assert (refused.status, refused.code) == (412, "IfNoneMatchFailed")
        assert service_error(object_storage.get_work_request, "ocid1.objectstorageworkrequest.oc1..none").status == 404
    finally:
        object_storage.delete_object(namespace, other, "copied")
        object_storage.delete_bucket(namespace, other)


def test_storage_tiers_are_kept_reported_and_changed(object_storage, namespace, bucket):
    object_storage.put_object(namespace, bucket, "cold", b"x", storage_tier="InfrequentAccess")
    object_storage.put_object(namespace, bucket, "warm", b"y")
    assert object_storage.head_object(namespace, bucket, "cold").headers["storage-tier"] == "InfrequentAccess"
    tiers = {o.name: o.storage_tier for o in object_storage.list_objects(namespace, bucket, fields="name,storageTier").data.objects}
    assert tiers == {"cold": "InfrequentAccess", "warm": "Standard"}
    assert object_storage.list_objects(namespace, bucket).data.objects[0].storage_tier is None  # only when fields asks

    assert object_storage.update_object_storage_tier(namespace, bucket, MODELS.UpdateObjectStorageTierDetails(
        object_name="warm", storage_tier="InfrequentAccess")).status == 200
    assert object_storage.head_object(namespace, bucket, "warm").headers["storage-tier"] == "InfrequentAccess"
    assert object_storage.get_object(namespace, bucket, "warm").data.content == b"y"

    archive = service_error(object_storage.put_object, namespace, bucket, "frozen", b"z", storage_tier="Archive")
    assert (archive.status, archive.code) == (400, "InvalidParameter") and "Archive" in archive.message
    unknown = service_error(object_storage.update_object_storage_tier, namespace, bucket, MODELS.UpdateObjectStorageTierDetails(
        object_name="nothing", storage_tier="Standard"))
    assert (unknown.status, unknown.code) == (404, "ObjectNotFound")


def test_multipart_upload_keeps_its_storage_tier(object_storage, namespace, bucket):
    upload = object_storage.create_multipart_upload(namespace, bucket, MODELS.CreateMultipartUploadDetails(
        object="parts", storage_tier="InfrequentAccess")).data
    assert upload.storage_tier == "InfrequentAccess"
    part = object_storage.upload_part(namespace, bucket, "parts", upload.upload_id, 1, b"only part")
    object_storage.commit_multipart_upload(namespace, bucket, "parts", upload.upload_id, MODELS.CommitMultipartUploadDetails(
        parts_to_commit=[MODELS.CommitMultipartUploadPartDetails(part_num=1, etag=part.headers["etag"])]))
    assert object_storage.head_object(namespace, bucket, "parts").headers["storage-tier"] == "InfrequentAccess"


def test_update_bucket_keeps_metadata_and_tags(object_storage, namespace, bucket):
    before = object_storage.get_bucket(namespace, bucket)
    updated = object_storage.update_bucket(namespace, bucket, MODELS.UpdateBucketDetails(
        metadata={"team": "data"}, freeform_tags={"env": "test"}, object_events_enabled=True), if_match=before.headers["etag"])
    assert updated.data.metadata == {"team": "data"} and updated.data.freeform_tags == {"env": "test"}
    assert updated.headers["etag"] != before.headers["etag"]
    got = object_storage.get_bucket(namespace, bucket).data
    assert (got.metadata, got.freeform_tags, got.object_events_enabled) == ({"team": "data"}, {"env": "test"}, True)

    stale = service_error(object_storage.update_bucket, namespace, bucket, MODELS.UpdateBucketDetails(metadata={}), if_match=before.headers["etag"])
    assert (stale.status, stale.code) == (412, "IfMatchFailed")
    versioned = service_error(object_storage.update_bucket, namespace, bucket, MODELS.UpdateBucketDetails(versioning="Enabled"))
    assert versioned.status == 400 and "versioning" in versioned.message


def test_get_bucket_fills_approximate_totals_when_asked(object_storage, namespace, bucket):
    object_storage.put_object(namespace, bucket, "a", b"12345")
    object_storage.put_object(namespace, bucket, "b/c", b"123")
    plain = object_storage.get_bucket(namespace, bucket).data
    assert (plain.approximate_count, plain.approximate_size) == (None, None)
    full = object_storage.get_bucket(namespace, bucket, fields=["approximateCount", "approximateSize"]).data
    assert (full.approximate_count, full.approximate_size) == (2, 8)
    count_only = object_storage.get_bucket(namespace, bucket, fields=["approximateCount"]).data
    assert (count_only.approximate_count, count_only.approximate_size) == (2, None)


def test_namespace_metadata_reads_and_updates(object_storage, namespace):
    metadata = object_storage.get_namespace_metadata(namespace).data
    assert metadata.namespace == namespace
    assert metadata.default_s3_compartment_id and metadata.default_swift_compartment_id
    updated = object_storage.update_namespace_metadata(namespace, MODELS.UpdateNamespaceMetadataDetails(
        default_s3_compartment_id=COMPARTMENT)).data
    assert (updated.default_s3_compartment_id, updated.default_swift_compartment_id) == (COMPARTMENT, metadata.default_swift_compartment_id)
    assert object_storage.get_namespace_metadata(namespace).data.default_s3_compartment_id == COMPARTMENT
    assert service_error(object_storage.get_namespace_metadata, "elsewhere").code == "NamespaceNotFound"
    object_storage.update_namespace_metadata(namespace, MODELS.UpdateNamespaceMetadataDetails(
        default_s3_compartment_id=metadata.default_s3_compartment_id))


def test_object_versions_with_versioning_off_are_the_current_objects(object_storage, namespace, bucket):
    for name in ["x/1", "x/2", "y"]:
        object_storage.put_object(namespace, bucket, name, name.encode())
    versions = object_storage.list_object_versions(namespace, bucket, fields="name,size,etag").data
    assert [(v.name, v.size, v.is_delete_marker) for v in versions.items] == [("x/1", 3, False), ("x/2", 3, False), ("y", 1, False)]
    assert all(v.version_id for v in versions.items)
    assert versions.items[0].version_id == object_storage.head_object(namespace, bucket, "x/1").headers["version-id"]
    paged = oci.pagination.list_call_get_all_results(object_storage.list_object_versions, namespace, bucket, limit=2).data
    assert [v.name for v in paged] == ["x/1", "x/2", "y"]
    grouped = object_storage.list_object_versions(namespace, bucket, delimiter="/").data
    assert grouped.prefixes == ["x/"] and [v.name for v in grouped.items] == ["y"]


def test_lifecycle_policy_put_get_delete(object_storage, namespace, bucket):
    assert service_error(object_storage.get_object_lifecycle_policy, namespace, bucket).status == 404
    rule = MODELS.ObjectLifecycleRule(
        name="expire-tmp", action="DELETE", target="objects", time_amount=7, time_unit="DAYS", is_enabled=True,
        object_name_filter=MODELS.ObjectNameFilter(inclusion_prefixes=["tmp/"]))
    put = object_storage.put_object_lifecycle_policy(namespace, bucket, MODELS.PutObjectLifecyclePolicyDetails(items=[rule]))
    assert put.status == 200 and put.headers["etag"]
    got = object_storage.get_object_lifecycle_policy(namespace, bucket).data
    assert [(r.name, r.action, r.time_amount, r.object_name_filter.inclusion_prefixes) for r in got.items] == [("expire-tmp", "DELETE", 7, ["tmp/"])]
    assert object_storage.get_bucket(namespace, bucket).data.object_lifecycle_policy_etag == put.headers["etag"]

    bad = service_error(object_storage.put_object_lifecycle_policy, namespace, bucket, MODELS.PutObjectLifecyclePolicyDetails(
        items=[MODELS.ObjectLifecycleRule(name="bad", action="SHRED", time_amount=1, time_unit="DAYS", is_enabled=True)]))
    assert bad.status == 400 and "SHRED" in bad.message
    assert object_storage.get_object_lifecycle_policy(namespace, bucket).data.items[0].name == "expire-tmp"

    assert object_storage.delete_object_lifecycle_policy(namespace, bucket).status == 204
    assert service_error(object_storage.get_object_lifecycle_policy, namespace, bucket).status == 404


def test_replication_policies_are_an_empty_list(object_storage, namespace, bucket):
    assert object_storage.list_replication_policies(namespace, bucket).data == []
    assert service_error(object_storage.list_replication_policies, namespace, "no-such-bucket").code == "BucketNotFound"


def test_preauthenticated_request_lifecycle_and_unsigned_use(emulator, object_storage, namespace, bucket):
    object_storage.put_object(namespace, bucket, "report.csv", b"a,b\n1,2\n", content_type="text/csv")
    created = object_storage.create_preauthenticated_request(namespace, bucket, MODELS.CreatePreauthenticatedRequestDetails(
        name="share", object_name="report.csv", access_type="ObjectRead", time_expires=in_minutes(30))).data
    assert created.access_uri.startswith("/p/") and created.access_uri.endswith(f"/n/{namespace}/b/{bucket}/o/report.csv")
    assert created.full_path == emulator.url + created.access_uri

    unsigned = requests.get(created.full_path)
    assert (unsigned.status_code, unsigned.content, unsigned.headers["content-type"]) == (200, b"a,b\n1,2\n", "text/csv")
    assert requests.head(created.full_path).headers["content-length"] == "8"
    assert requests.put(created.full_path, data=b"overwrite").status_code == 404  # read-only
    other_object = created.full_path.replace("report.csv", "other.csv")
    assert requests.get(other_object).status_code == 404
    assert requests.get(created.full_path.replace("/p/", "/p/x")).status_code == 404  # another token

    listed = object_storage.list_preauthenticated_requests(namespace, bucket).data
    assert [(s.id, s.name, s.access_type, s.object_name) for s in listed] == [(created.id, "share", "ObjectRead", "report.csv")]
    got = object_storage.get_preauthenticated_request(namespace, bucket, created.id).data
    assert (got.name, got.time_expires) == ("share", created.time_expires)

    assert object_storage.delete_preauthenticated_request(namespace, bucket, created.id).status == 204
    assert requests.get(created.full_path).status_code == 404
    assert service_error(object_storage.get_preauthenticated_request, namespace, bucket, created.id).status == 404


def test_preauthenticated_write_and_bucket_wide_read(emulator, object_storage, namespace, bucket):
    write = object_storage.create_preauthenticated_request(namespace, bucket, MODELS.CreatePreauthenticatedRequestDetails(
        name="drop box", object_name="inbox/upload.bin", access_type="ObjectWrite", time_expires=in_minutes(30))).data
    assert requests.put(write.full_path, data=b"dropped", headers={"opc-meta-from": "anon"}).status_code == 200
    assert requests.get(write.full_path).status_code == 404  # write-only
    got = object_storage.get_object(namespace, bucket, "inbox/upload.bin")
    assert (got.data.content, got.headers["opc-meta-from"]) == (b"dropped", "anon")

    object_storage.put_object(namespace, bucket, "outside", b"no")
    read_any = object_storage.create_preauthenticated_request(namespace, bucket, MODELS.CreatePreauthenticatedRequestDetails(
        name="inbox", object_name="inbox/", access_type="AnyObjectRead", bucket_listing_action="ListObjects",
        time_expires=in_minutes(30))).data
    assert read_any.access_uri.endswith(f"/b/{bucket}/o/")
    assert requests.get(read_any.full_path + "inbox/upload.bin").content == b"dropped"
    assert requests.get(read_any.full_path + "outside").status_code == 404  # outside the prefix
    listing = requests.get(read_any.full_path).json()
    assert [o["name"] for o in listing["objects"]] == ["inbox/upload.bin"]


def test_preauthenticated_request_checks_its_details(object_storage, namespace, bucket):
    past = service_error(object_storage.create_preauthenticated_request, namespace, bucket, MODELS.CreatePreauthenticatedRequestDetails(
        name="late", object_name="x", access_type="ObjectRead", time_expires=in_minutes(-1)))
    assert past.status == 400 and "timeExpires" in past.message
    no_object = service_error(object_storage.create_preauthenticated_request, namespace, bucket, MODELS.CreatePreauthenticatedRequestDetails(
        name="where", access_type="ObjectRead", time_expires=in_minutes(5)))
    assert no_object.status == 400 and "objectName" in no_object.message
    listing_write = service_error(object_storage.create_preauthenticated_request, namespace, bucket, MODELS.CreatePreauthenticatedRequestDetails(
        name="list", access_type="AnyObjectWrite", bucket_listing_action="ListObjects", time_expires=in_minutes(5)))
    assert listing_write.status == 400 and "ListObjects" in listing_write.message


def test_unsigned_requests_are_refused_outside_par_urls(emulator, namespace, bucket):
    refused = requests.get(f"{emulator.url}/n/{namespace}/b/{bucket}/p")
    assert refused.status_code == 401
    assert requests.get(f"{emulator.url}/n/{namespace}/b/{bucket}/o/anything").status_code == 401

