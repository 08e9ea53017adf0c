import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_user_changelist")
ADD = reverse("admin:accounts_user_add")


def test_it_lets_an_admin_in_and_keeps_an_attendee_out(client, user, staff):
    client.force_login(user)
    assert client.get(CHANGELIST).status_code == 302
    client.force_login(staff)
    assert client.get(CHANGELIST).status_code == 200


def test_it_logs_in_to_the_admin_with_email_and_password(client, staff):
    response = client.post(
        reverse("admin:login"), {"username": staff.email, "password": PASSWORD, "next": CHANGELIST}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == CHANGELIST


def test_it_makes_a_user_staff_by_giving_the_admin_role(staff_client, client, user):
    response = staff_client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {"email": user.email, "full_name": user.full_name, "phone": user.phone, "role": "admin", "is_active": "on"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.role == User.Role.ADMIN
    client.force_login(user)
    assert client.get(CHANGELIST).status_code == 200


def _listed(response) -> set[str]:
    assert response.status_code == 200
    return {user.email for user in response.context["cl"].result_list}


def test_it_lists_searches_and_filters_users(staff_client, staff):
    # Fixed names throughout: a random one for the admin (Faker's Indonesian names include
    # "Siti" and "Rahayu") would match the searches below some of the time.
    staff.full_name = "Staf Admin"
    staff.save(update_fields=["full_name"])
    UserFactory(email="siti@example.com", full_name="Siti Rahayu", phone="+6281111111")
    UserFactory(email="budi@example.com", full_name="Budi Santoso", phone="+6282222222", is_active=False)

    page = staff_client.get(CHANGELIST).content.decode()
    assert "Siti Rahayu" in page and "+6281111111" in page
    assert _listed(staff_client.get(CHANGELIST, {"q": "rahayu"})) == {"siti@example.com"}
    assert _listed(staff_client.get(CHANGELIST, {"q": "6282222"})) == {"budi@example.com"}
    assert _listed(staff_client.get(CHANGELIST, {"q": "SITI@example"})) == {"siti@example.com"}
    assert _listed(staff_client.get(CHANGELIST, {"is_active__exact": "0"})) == {"budi@example.com"}
    assert _listed(staff_client.get(CHANGELIST, {"role__exact": "admin"})) == {staff.email}


def test_it_adds_a_user_with_a_bcrypt_hashed_password(staff_client, client):
    response = staff_client.post(
        ADD,
        {
            "email": "Dewi@Example.com",
            "full_name": "Dewi Lestari",
            "phone": "+628123",
            "role": "user",
            "usable_password": "true",
            "password1": "kopi-tubruk-2024",
            "password2": "kopi-tubruk-2024",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="dewi@example.com")
    assert user.full_name == "Dewi Lestari"
    assert identify_hasher(user.password).algorithm == "bcrypt_sha256"
    assert user.check_password("kopi-tubruk-2024")
    assert client.login(username="dewi@example.com", password="kopi-tubruk-2024")


def test_it_refuses_a_duplicate_email_whatever_its_case(staff_client, user):
    response = staff_client.post(
        ADD,
        {
            "email": user.email.upper(),
            "full_name": "Orang Lain",
            "role": "user",
            "usable_password": "true",
            "password1": "kopi-tubruk-2024",
            "password2": "kopi-tubruk-2024",
        },
    )
    assert response.status_code == 200
    assert "An account with this email address already exists." in response.content.decode()
    assert User.objects.filter(email__iexact=user.email).count() == 1


def test_it_refuses_mismatched_passwords(staff_client):
    response = staff_client.post(
        ADD,
        {
            "email": "eko@example.com",
            "full_name": "Eko",
            "role": "user",
            "usable_password": "true",
            "password1": "kopi-tubruk-2024",
            "password2": "teh-manis-2024",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["password2"]
    assert not User.objects.filter(email="eko@example.com").exists()


def test_it_offers_the_password_change_link_and_changes_the_password(staff_client, user):
    change = staff_client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    assert 'href="../password/"' in change
    assert "kopi" not in change

    response = staff_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"usable_password": "true", "password1": "rendang-padang-77", "password2": "rendang-padang-77"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("rendang-padang-77")
    assert identify_hasher(user.password).algorithm == "bcrypt_sha256"


def test_createsuperuser_makes_an_admin(monkeypatch, client):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "nasi-goreng-99")
    call_command("createsuperuser", interactive=False, email="root@eventhub.local", full_name="Ratna", verbosity=0)

    admin = User.objects.get(email="root@eventhub.local")
    assert admin.role == User.Role.ADMIN
    assert admin.is_staff
    assert identify_hasher(admin.password).algorithm == "bcrypt_sha256"
    assert client.login(username="root@eventhub.local", password="nasi-goreng-99")
    assert client.get(CHANGELIST).status_code == 200


def test_it_names_the_admin_site_eventhub(staff_client):
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert "<title>" in page and "EventHub" in page.split("<title>")[1].split("</title>")[0]
    assert 'id="site-name"' in page and ">EventHub<" in page
