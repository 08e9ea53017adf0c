"""users/ and users/{id}/: admins list, search, activate/deactivate and change roles."""

import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

USERS = "/api/v1/users/"


def test_admin_lists_users_paginated(client_for, staff):
    UserFactory.create_batch(3)
    body = client_for(staff).get(USERS, {"page_size": 2}).json()
    assert body["count"] == 4
    assert len(body["results"]) == 2
    assert body["next"] and body["previous"] is None


def test_page_size_is_capped_at_100(client_for, staff):
    UserFactory.create_batch(101)
    body = client_for(staff).get(USERS, {"page_size": 500}).json()
    assert len(body["results"]) == 100


def test_admin_searches_by_email_or_name_and_filters(client_for, staff):
    # Faker's Indonesian names include Sari and Santoso: the admin's must not match the searches.
    User.objects.filter(pk=staff.pk).update(full_name="Admin Utama")
    sari = UserFactory(email="sari@contoh.id", full_name="Sari Dewi")
    UserFactory(email="budi@contoh.id", full_name="Budi Santoso", is_active=False)
    client = client_for(staff)
    assert [u["id"] for u in client.get(USERS, {"search": "SARI"}).json()["results"]] == [str(sari.pk)]
    assert [u["email"] for u in client.get(USERS, {"search": "santoso"}).json()["results"]] == ["budi@contoh.id"]
    assert [u["email"] for u in client.get(USERS, {"is_active": "false"}).json()["results"]] == ["budi@contoh.id"]
    assert [u["id"] for u in client.get(USERS, {"role": "admin"}).json()["results"]] == [str(staff.pk)]
    response = client.get(USERS, {"role": "boss"})
    assert response.status_code == 400 and "role" in response.json()["fields"]


def test_admin_deactivates_and_promotes_a_user(client_for, staff, user):
    client = client_for(staff)
    response = client.patch(f"{USERS}{user.pk}/", {"is_active": False}, format="json")
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    response = client.patch(f"{USERS}{user.pk}/", {"role": "admin", "is_active": True}, format="json")
    user.refresh_from_db()
    assert (user.role, user.is_active, user.is_staff) == ("admin", True, True)


def test_deactivated_user_token_stops_working(client_for, staff, user):
    user_client = client_for(user)
    client_for(staff).patch(f"{USERS}{user.pk}/", {"is_active": False}, format="json")
    response = user_client.get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "user_inactive"


def test_admin_cannot_demote_or_deactivate_themselves(client_for, staff):
    response = client_for(staff).patch(f"{USERS}{staff.pk}/", {"role": "user"}, format="json")
    assert response.status_code == 400
    assert User.objects.get(pk=staff.pk).role == "admin"


def test_email_is_read_only(client_for, staff, user):
    client_for(staff).patch(f"{USERS}{user.pk}/", {"email": "lain@contoh.id"}, format="json")
    assert User.objects.get(pk=user.pk).email == user.email


def test_users_are_for_admins_only(client_for, api_client, user):
    assert api_client.get(USERS).status_code == 401
    response = client_for(user).get(USERS)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert client_for(user).patch(f"{USERS}{user.pk}/", {"role": "admin"}, format="json").status_code == 403
    assert User.objects.get(pk=user.pk).role == "user"


def test_unknown_user_is_404(client_for, staff):
    response = client_for(staff).get(f"{USERS}00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
