"""GET/POST/DELETE events/{slug}/team/ and the event roles in auth/me/."""

import pytest
from django.urls import reverse

from accounts.tests.factories import AdminFactory, UserFactory
from events.models import EventMember
from events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db
Role = EventMember.Role


def _team(event) -> str:
    return reverse("api-event-team", kwargs={"slug": event.slug})


@pytest.fixture
def event():
    return EventFactory()


@pytest.fixture
def manager(event):
    user = UserFactory()
    EventMember.objects.create(event=event, user=user, role=Role.MANAGER)
    return user


def test_it_lets_an_admin_add_a_manager_and_lists_the_team(client_for, event):
    volunteer = UserFactory()
    admin = client_for(AdminFactory())
    response = admin.post(_team(event), {"email": volunteer.email.upper(), "role": "manager"}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["user"]["email"] == volunteer.email and response.data["role"] == "manager"
    listed = admin.get(_team(event)).data
    assert [(m["user"]["id"], m["role"]) for m in listed["results"]] == [(str(volunteer.pk), "manager")]


def test_it_lets_a_manager_add_and_remove_door_staff(client_for, event, manager):
    volunteer = UserFactory()
    api = client_for(manager)
    assert api.post(_team(event), {"email": volunteer.email, "role": "door"}, format="json").status_code == 201
    assert EventMember.objects.get(event=event, user=volunteer).added_by == manager
    assert api.delete(_team(event), {"user": str(volunteer.pk)}, format="json").status_code == 204
    assert not EventMember.objects.filter(event=event, user=volunteer).exists()


def test_it_refuses_a_manager_adding_promoting_or_removing_a_manager(client_for, event, manager):
    other_manager, door = UserFactory(), UserFactory()
    EventMember.objects.create(event=event, user=other_manager, role=Role.MANAGER)
    EventMember.objects.create(event=event, user=door, role=Role.DOOR)
    api = client_for(manager)
    added = api.post(_team(event), {"email": UserFactory().email, "role": "manager"}, format="json")
    promoted = api.post(_team(event), {"email": door.email, "role": "manager"}, format="json")
    demoted = api.post(_team(event), {"email": other_manager.email, "role": "door"}, format="json")
    removed = api.delete(_team(event) + f"?user={other_manager.pk}")
    assert [r.status_code for r in (added, promoted, demoted, removed)] == [403, 403, 403, 403]
    assert added.data["code"] == "permission_denied"
    assert dict(EventMember.objects.filter(event=event).values_list("user_id", "role")) == {
        manager.pk: "manager", other_manager.pk: "manager", door.pk: "door"
    }


def test_it_answers_an_unknown_account_with_a_field_error(client_for, event, manager):
    response = client_for(manager).post(_team(event), {"email": "nobody@example.com", "role": "door"}, format="json")
    assert response.status_code == 400
    assert response.data["code"] == "invalid" and "email" in response.data["fields"]


def test_it_hides_another_events_team_from_a_manager(client_for, event, manager):
    other = EventFactory()
    api = client_for(manager)
    assert api.get(_team(other)).status_code == 404
    assert api.post(_team(other), {"email": UserFactory().email, "role": "door"}, format="json").status_code == 404


def test_me_lists_the_users_event_roles(client_for, event, manager):
    other = EventFactory()
    EventMember.objects.create(event=other, user=manager, role=Role.DOOR)
    me = client_for(manager).get(reverse("api-me")).data
    assert me["role"] == "user"
    assert sorted((r["slug"], r["role"]) for r in me["event_roles"]) == sorted(
        [(event.slug, "manager"), (other.slug, "door")]
    )
    listed = next(r for r in me["event_roles"] if r["slug"] == event.slug)
    assert listed["event"] == str(event.pk) and listed["title"] == event.title and listed["timezone"] == event.timezone
    assert listed["event_date"] == event.event_date.astimezone().isoformat()
    assert client_for(UserFactory()).get(reverse("api-me")).data["event_roles"] == []


def test_login_keeps_the_user_shape(api_client, manager):
    response = api_client.post(
        reverse("api-login"), {"email": manager.email, "password": "tiket-rahasia-123"}, format="json"
    )
    assert response.status_code == 200
    assert set(response.data["user"]) == {"id", "email", "full_name", "phone", "role", "is_active", "created_at"}
