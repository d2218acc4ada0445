"""Object Storage on the emulator through the real oci SDK: buckets, objects, names, ranges, listing with
paging, multipart uploads, and the SDK's error types."""
import base64
import hashlib
import io
import uuid

import oci
import pytest
from oci._vendor import requests  # the requests the oci signer is made for

from conftest import COMPARTMENT

MODELS = oci.object_storage.models


def test_namespace_is_a_plain_string(namespace):
    assert namespace == "oraclefn"


def test_bucket_lifecycle(object_storage, namespace):
    name = "lifecycle-" + uuid.uuid4().hex[:8]
    created = object_storage.create_bucket(namespace, MODELS.CreateBucketDetails(name=name, compartment_id=COMPARTMENT))
    assert created.data.name == name and created.data.namespace == namespace
    assert created.headers["etag"]
    assert object_storage.get_bucket(namespace, name).data.compartment_id == COMPARTMENT
    assert object_storage.head_bucket(namespace, name).status == 200
    listed = oci.pagination.list_call_get_all_results(object_storage.list_buckets, namespace, COMPARTMENT).data
    assert name in [summary.name for summary in listed]

    with pytest.raises(oci.exceptions.ServiceError) as conflict:
        object_storage.create_bucket(namespace, MODELS.CreateBucketDetails(name=name, compartment_id=COMPARTMENT))
    assert (conflict.value.status, conflict.value.code) == (409, "BucketAlreadyExists")

    object_storage.put_object(namespace, name, "keep", b"x")
    with pytest.raises(oci.exceptions.ServiceError) as not_empty:
        object_storage.delete_bucket(namespace, name)
    assert (not_empty.value.status, not_empty.value.code) == (409, "BucketNotEmpty")
    object_storage.delete_object(namespace, name, "keep")

    assert object_storage.delete_bucket(namespace, name).status == 204
    with pytest.raises(oci.exceptions.ServiceError) as missing:
        object_storage.get_bucket(namespace, name)
    assert (missing.value.status, missing.value.code) == (404, "BucketNotFound")
    assert missing.value.request_id  # opc-request-id on errors too


@pytest.mark.parametrize("name", ["plain", "dir/sub/file.txt", "with space/and+plus", "ünïcødé/日本語.bin", "%41 literal percent"])
def test_object_round_trip_with_awkward_names(object_storage, namespace, bucket, name):
    body = ("payload for " + name).encode()
    put = object_storage.put_object(namespace, bucket, name, body, content_type="text/plain", opc_meta={"owner": "ada"})
    assert put.headers["opc-content-md5"] == base64.b64encode(hashlib.md5(body).digest()).decode()
    got = object_storage.get_object(namespace, bucket, name)
    assert got.data.content == body
    assert got.headers["content-type"] == "text/plain"
    assert got.headers["opc-meta-owner"] == "ada"
    assert got.headers["etag"] == put.headers["etag"]
    head = object_storage.head_object(namespace, bucket, name)
    assert head.headers["content-length"] == str(len(body))
    listed = object_storage.list_objects(namespace, bucket, prefix=name, fields="name,size,md5").data.objects
    assert [(summary.name, summary.size) for summary in listed] == [(name, len(body))]


def test_literal_slashes_in_the_path_name_the_same_object(emulator, oci_config, object_storage, namespace, bucket):
    """Older SDKs and the Go SDK send `/` unencoded: both forms decode to one object name."""
    object_storage.put_object(namespace, bucket, "a/b c", b"strict")
    signer = oci.signer.Signer(oci_config["tenancy"], oci_config["user"], oci_config["fingerprint"], oci_config["key_file"])
    answer = requests.get(f"{emulator.url}/n/{namespace}/b/{bucket}/o/a/b%20c", auth=signer)
    assert answer.status_code == 200 and answer.content == b"strict"


def test_range_reads(object_storage, namespace, bucket):
    object_storage.put_object(namespace, bucket, "digits", b"0123456789")
    part = object_storage.get_object(namespace, bucket, "digits", range="bytes=3-6")
    assert part.status == 206
    assert part.data.content == b"3456"
    assert part.headers["content-range"] == "bytes 3-6/10"
    assert object_storage.get_object(namespace, bucket, "digits", range="bytes=-2").data.content == b"89"
    with pytest.raises(oci.exceptions.ServiceError) as outside:
        object_storage.get_object(namespace, bucket, "digits", range="bytes=50-")
    assert outside.value.status == 416


def test_missing_and_deleted_objects_are_404(object_storage, namespace, bucket):
    object_storage.put_object(namespace, bucket, "gone", b"x")
    assert object_storage.delete_object(namespace, bucket, "gone").status == 204
    for call in (object_storage.get_object, object_storage.delete_object):
        with pytest.raises(oci.exceptions.ServiceError) as missing:
            call(namespace, bucket, "gone")
        assert (missing.value.status, missing.value.code) == (404, "ObjectNotFound")
    with pytest.raises(oci.exceptions.ServiceError) as head:
        object_storage.head_object(namespace, bucket, "gone")
    assert head.value.status == 404


def test_conditional_put(object_storage, namespace, bucket):
    first = object_storage.put_object(namespace, bucket, "once", b"1", if_none_match="*")
    with pytest.raises(oci.exceptions.ServiceError) as exists:
        object_storage.put_object(namespace, bucket, "once", b"2", if_none_match="*")
    assert exists.value.status == 412
    object_storage.put_object(namespace, bucket, "once", b"3", if_match=first.headers["etag"])
    assert object_storage.get_object(namespace, bucket, "once").data.content == b"3"


def test_listing_pages_over_2500_objects(object_storage, namespace, bucket):
    names = [f"many/{index:05d}" for index in range(2500)] + ["other/x", "top"]
    for name in names:
        object_storage.put_object(namespace, bucket, name, b"")
    first = object_storage.list_objects(namespace, bucket).data
    assert len(first.objects) == 1000 and first.next_start_with == "many/01000"
    everything = oci.pagination.list_call_get_all_results(object_storage.list_objects, namespace, bucket, prefix="many/").data.objects
    assert [summary.name for summary in everything] == names[:2500]
    small_pages = oci.pagination.list_call_get_all_results(object_storage.list_objects, namespace, bucket, limit=333, start="many/02000", end="many/02500")
    assert [summary.name for summary in small_pages.data.objects] == names[2000:2500]
    folders = object_storage.list_objects(namespace, bucket, delimiter="/").data
    assert folders.prefixes == ["many/", "other/"]
    assert [summary.name for summary in folders.objects] == ["top"]


def test_multipart_upload_by_hand(object_storage, namespace, bucket):
    created = object_storage.create_multipart_upload(
        namespace, bucket, MODELS.CreateMultipartUploadDetails(object="assembled/file", content_type="text/csv")
    ).data
    parts = [b"a" * 1000, b"b" * 10, b"c" * 7]
    etags = []
    for number, part in enumerate(parts, start=1):
        answer = object_storage.upload_part(namespace, bucket, "assembled/file", created.upload_id, number, part)
        assert answer.headers["opc-content-md5"] == base64.b64encode(hashlib.md5(part).digest()).decode()
        etags.append(answer.headers["etag"])
    listed = object_storage.list_multipart_upload_parts(namespace, bucket, "assembled/file", created.upload_id).data
    assert [(part.part_number, part.size) for part in listed] == [(1, 1000), (2, 10), (3, 7)]
    assert [upload.upload_id for upload in object_storage.list_multipart_uploads(namespace, bucket).data] == [created.upload_id]

    commit = MODELS.CommitMultipartUploadDetails(
        parts_to_commit=[MODELS.CommitMultipartUploadPartDetails(part_num=number, etag=etag) for number, etag in zip((1, 2), etags)],
        parts_to_exclude=[3],
    )
    committed = object_storage.commit_multipart_upload(namespace, bucket, "assembled/file", created.upload_id, commit)
    expected_md5 = base64.b64encode(hashlib.md5(hashlib.md5(parts[0]).digest() + hashlib.md5(parts[1]).digest()).digest()).decode()
    assert committed.headers["opc-multipart-md5"] == expected_md5 + "-2"
    got = object_storage.get_object(namespace, bucket, "assembled/file")
    assert got.data.content == parts[0] + parts[1]
    assert got.headers["content-type"] == "text/csv"
    assert object_storage.list_multipart_uploads(namespace, bucket).data == []


def test_multipart_abort(object_storage, namespace, bucket):
    created = object_storage.create_multipart_upload(namespace, bucket, MODELS.CreateMultipartUploadDetails(object="dropped")).data
    object_storage.upload_part(namespace, bucket, "dropped", created.upload_id, 1, b"data")
    assert object_storage.abort_multipart_upload(namespace, bucket, "dropped", created.upload_id).status == 204
    with pytest.raises(oci.exceptions.ServiceError) as missing:
        object_storage.list_multipart_upload_parts(namespace, bucket, "dropped", created.upload_id)
    assert missing.value.status == 404
    with pytest.raises(oci.exceptions.ServiceError):
        object_storage.head_object(namespace, bucket, "dropped")


def test_upload_manager_multipart_and_download(object_storage, namespace, bucket):
    """The SDK's own UploadManager splits the stream into parts, uploads them in parallel and commits."""
    data = bytes(range(256)) * 4096  # 1 MiB
    manager = oci.object_storage.UploadManager(object_storage, allow_parallel_uploads=True, parallel_process_count=3)
    answer = manager.upload_stream(namespace, bucket, "managed.bin", io.BytesIO(data), part_size=256 * 1024)
    assert answer.headers["opc-multipart-md5"].endswith("-4")
    assert object_storage.get_object(namespace, bucket, "managed.bin").data.content == data
