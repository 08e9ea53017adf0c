from pathlib import Path

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken


def bearer(user) -> APIClient:
    """Return an API client sending `user`'s real access token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def api(user):
    return bearer(user)


@pytest.fixture
def staff_api(staff):
    return bearer(staff)


@pytest.fixture
def media() -> Path:
    """The local storage folder of this test (see the root conftest)."""
    return Path(django_settings.STORAGES["default"]["OPTIONS"]["location"])


def stored(media: Path) -> list[str]:
    """Return the storage keys of every object stored under `media`."""
    if not media.exists():
        return []
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())
