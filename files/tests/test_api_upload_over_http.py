"""Oversized uploads over a real HTTP connection: the client reads the 413, nothing is stored."""

import pytest
import requests
from rest_framework_simplejwt.tokens import RefreshToken

from files.models import File

from . import samples
from .conftest import stored

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("size", [50_001, 5_000_000], ids=["one-byte-over", "far-over"])
def test_the_client_reads_the_413_answer(live_server, user, media, settings, size):
    settings.FILE_MAX_BYTES = 50_000
    body, content_type = samples.multipart(filename="besar.pdf", content=samples.pdf_of_size(size))
    token = RefreshToken.for_user(user).access_token

    response = requests.post(
        f"{live_server.url}/api/v1/files/",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
        timeout=30,
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not File.objects.exists()
    assert stored(media) == []
