"""The S3 path against a real S3-compatible server (moto's standalone server on 127.0.0.1).

boto3 and django-storages do real HTTP here: nothing in EventHub is mocked.
"""

import io
import uuid
import zipfile
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from files.models import File

from . import samples
from .conftest import bearer

pytestmark = pytest.mark.django_db

CREDENTIALS = {"aws_access_key_id": "eventhub-test", "aws_secret_access_key": "eventhub-test-secret"}
REGION = "ap-southeast-3"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A fresh bucket, and EventHub's default storage pointed at it as settings.py does from the environment."""
    name = f"eventhub-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION, **CREDENTIALS)
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": REGION,
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": False,
                "addressing_style": "path",
                "signature_version": "s3v4",
            },
        },
    }

    class Bucket:
        def keys(self) -> list[str]:
            return sorted(item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", []))

        def get(self, key: str) -> dict:
            return client.get_object(Bucket=name, Key=key)

    return Bucket()


def upload(client, content: bytes, name="Bukti Transfer.pdf"):
    return client.post("/api/v1/files/", {"file": SimpleUploadedFile(name, content)}, format="multipart")


def test_upload_puts_the_object_in_the_bucket_under_the_generated_key(api, user, bucket):
    content = samples.png()

    response = upload(api, content, name="kartu.pdf")

    assert response.status_code == 201, response.json()
    file = File.objects.get()
    assert file.filepath.startswith(f"uploads/{user.pk}/")
    assert bucket.keys() == [file.filepath]
    obj = bucket.get(file.filepath)
    assert obj["Body"].read() == content
    assert obj["ContentType"] == "image/png"  # detected, not the browser's claim


def test_download_redirects_to_a_short_lived_presigned_url_that_serves_the_bytes(api, bucket, settings, s3_endpoint):
    content = samples.pdf()
    file_id = upload(api, content, name="Kartu Pelajar — 學生證.pdf").json()["id"]

    response = api.get(f"/api/v1/files/{file_id}/download/")

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{s3_endpoint}/")
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Expires"] == [str(settings.FILE_DOWNLOAD_URL_EXPIRE_SECONDS)]
    assert "X-Amz-Signature" in query
    assert "no-store" in response["Cache-Control"]
    fetched = requests.get(location, timeout=10)
    assert fetched.status_code == 200
    assert fetched.content == content
    assert fetched.headers["Content-Type"] == "application/pdf"
    assert fetched.headers["Content-Disposition"].startswith("attachment; ")
    assert "filename*=UTF-8''Kartu%20Pelajar%20%E2%80%94%20%E5%AD%B8%E7%94%9F%E8%AD%89.pdf" in fetched.headers[
        "Content-Disposition"
    ]


def test_delete_removes_the_object_from_the_bucket(api, bucket, django_capture_on_commit_callbacks):
    keep_id = upload(api, samples.pdf()).json()["id"]
    drop_id = upload(api, samples.jpeg()).json()["id"]
    assert len(bucket.keys()) == 2

    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/api/v1/files/{drop_id}/").status_code == 204

    assert bucket.keys() == [File.objects.get(pk=keep_id).filepath]


def test_refused_uploads_leave_the_bucket_empty(api, bucket, settings):
    settings.FILE_MAX_BYTES = 50_000

    too_large = upload(api, samples.pdf_of_size(50_001))
    renamed = upload(api, samples.elf(), name="kartu.pdf")

    assert (too_large.status_code, renamed.status_code) == (413, 415)
    assert bucket.keys() == []


def test_nobody_else_gets_a_url_or_a_key(api, bucket):
    upload(api, samples.pdf())
    file = File.objects.get()
    stranger = bearer(UserFactory())
    url = f"/api/v1/files/{file.pk}/"

    responses = [
        stranger.get(url),
        stranger.get(f"{url}download/"),
        stranger.delete(url),
        stranger.get("/api/v1/files/"),
        APIClient().get(f"{url}download/"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 200, 401]
    for response in responses:
        text = response.content.decode() + str(response.headers)
        assert file.filepath not in text
        assert "X-Amz-" not in text and "Signature" not in text
    assert "Location" not in responses[1]


def test_staff_get_a_presigned_url_for_any_file(api, staff_api, bucket):
    content = samples.pdf()
    file_id = upload(api, content).json()["id"]

    response = staff_api.get(f"/api/v1/files/{file_id}/download/")

    assert response.status_code == 302
    assert requests.get(response["Location"], timeout=10).content == content


def test_deleting_a_user_removes_their_objects(bucket, django_capture_on_commit_callbacks):
    leaving, staying = UserFactory(), UserFactory()
    for owner in (leaving, leaving, staying):
        assert upload(bearer(owner), samples.pdf()).status_code == 201

    with django_capture_on_commit_callbacks(execute=True):
        leaving.delete()

    assert bucket.keys() == [File.objects.get(user=staying).filepath]


def test_the_admin_zip_reads_from_the_bucket(client, staff, api, bucket):
    content = samples.pdf()
    file_id = upload(api, content, name="Bukti.pdf").json()["id"]
    client.force_login(staff)

    response = client.post("/admin/files/file/", {"action": "download_zip", "_selected_action": [file_id]})

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert [archive.read(name) for name in archive.namelist()] == [content]
