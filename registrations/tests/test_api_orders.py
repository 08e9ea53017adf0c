"""API: orders/, orders/{id}/, cancel, quote; vouchers under events/{slug}/vouchers/; waiting lists."""

from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from events.models import EventMember, Ticket
from events.tests.factories import EventFactory, TicketFactory
from registrations.models import Order, Voucher, WaitlistEntry
from registrations.tests.factories import VoucherFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory()


@pytest.fixture
def vip(event):
    return TicketFactory(event=event, name="VIP", price=Decimal(500000), quota=10, max_per_user=4)


@pytest.fixture
def regular(event):
    return TicketFactory(event=event, name="Reguler", price=Decimal(150000), quota=30, max_per_user=4)


@pytest.fixture
def buyer_api(client_for, user):
    return client_for(user)


def _order(event, *lines, **extra):
    return {"event": str(event.pk), "items": [{"ticket": str(t.pk), "quantity": q} for t, q in lines], **extra}


def test_it_places_an_order_with_attendees_and_a_promo_code(buyer_api, user, event, vip, regular):
    VoucherFactory(event=event, code="HEMAT", value=10)
    body = _order(event, (vip, 1), (regular, 2), voucher="hemat", attendees=[
        {"name": "Budi", "email": "budi@example.com"}, {"name": "Citra", "email": ""}, {},
    ])

    response = buyer_api.post("/api/v1/orders/", body, format="json")

    assert response.status_code == 201, response.data
    data = response.json()
    assert (data["status"], data["subtotal"], data["discount"], data["total"], data["voucher"]) == (
        "pending", "800000", "80000", "720000", "HEMAT")
    assert data["number"].startswith("EH-")
    assert sorted(r["attendee_name"] for r in data["registrations"]) == sorted(["Budi", "Citra", user.full_name])
    assert {r["order"] for r in data["registrations"]} == {data["id"]}
    assert buyer_api.get(f"/api/v1/orders/{data['id']}/").json()["id"] == data["id"]
    assert buyer_api.get("/api/v1/orders/").json()["count"] == 1


def test_another_users_order_is_404_and_the_buyer_cancels_a_pending_one(client_for, buyer_api, event, regular):
    order_id = buyer_api.post("/api/v1/orders/", _order(event, (regular, 2)), format="json").json()["id"]
    stranger = client_for(UserFactory())

    assert stranger.get(f"/api/v1/orders/{order_id}/").status_code == 404
    assert stranger.post(f"/api/v1/orders/{order_id}/cancel/").status_code == 404
    cancelled = buyer_api.post(f"/api/v1/orders/{order_id}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert buyer_api.post(f"/api/v1/orders/{order_id}/cancel/").json()["status"] == "cancelled"
    assert Ticket.objects.get(pk=regular.pk).sold == 0


@pytest.mark.parametrize(("change", "field"), [
    ({"items": [{"quantity": 0}]}, "items"),
    ({"items": [{"quantity": -2}]}, "items"),
    ({"items": []}, "items"),
    ({"items": [{"quantity": 11}]}, "items"),
    ({"attendees": [{"name": "Satu"}, {"name": "Dua"}]}, "attendees"),
    ({"attendees": [{"name": "Satu", "email": "bukan-email"}]}, "attendees"),
    ({"event": "00000000-0000-0000-0000-000000000000"}, "event"),
])
def test_bad_input_is_400_naming_the_field_and_holds_nothing(buyer_api, event, regular, change, field):
    body = _order(event, (regular, 1))
    if "items" in change:
        body["items"] = [{**body["items"][0], **item} for item in change["items"]]
    else:
        body.update(change)

    response = buyer_api.post("/api/v1/orders/", body, format="json")

    assert response.status_code == 400, response.data
    assert response.json()["code"] == "invalid" and field in response.json()["fields"]
    assert not Order.objects.exists() and Ticket.objects.get(pk=regular.pk).sold == 0


def test_refusals_are_409_with_stable_codes_naming_the_type(buyer_api, event, vip, regular):
    Ticket.objects.filter(pk=vip.pk).update(sold=10)

    sold_out = buyer_api.post("/api/v1/orders/", _order(event, (regular, 1), (vip, 1)), format="json")
    limit = buyer_api.post("/api/v1/orders/", _order(event, (regular, 5)), format="json")
    voucher = buyer_api.post("/api/v1/orders/", _order(event, (regular, 1), voucher="TIDAKADA"), format="json")

    assert (sold_out.status_code, sold_out.json()["code"], sold_out.json()["ticket"]) == (409, "sold_out", str(vip.pk))
    assert (limit.status_code, limit.json()["code"], limit.json()["ticket"]) == (409, "limit_exceeded", str(regular.pk))
    assert (voucher.status_code, voucher.json()["code"]) == (400, "invalid_voucher")
    assert not Order.objects.exists()


def test_an_order_above_a_limit_of_one_is_refused_in_the_singular(buyer_api, event, regular):
    event.max_tickets_per_order = 1
    event.save()

    response = buyer_api.post("/api/v1/orders/", _order(event, (regular, 2)), format="json",
                              headers={"Accept-Language": "en"})

    assert response.status_code == 400
    assert response.json()["fields"]["items"] == ["One order holds at most 1 ticket."]


def test_a_quote_prices_the_basket_without_holding_seats(buyer_api, event, vip, regular):
    VoucherFactory(event=event, code="POTONG", kind=Voucher.Kind.FIXED, value=50000)

    response = buyer_api.post("/api/v1/orders/quote/", _order(event, (vip, 1), (regular, 1), voucher="potong"),
                              format="json")

    assert response.status_code == 200, response.data
    assert (response.json()["subtotal"], response.json()["discount"], response.json()["total"]) == (
        "650000", "50000", "600000")
    assert [line["quantity"] for line in response.json()["lines"]] == [1, 1]
    assert Ticket.objects.get(pk=vip.pk).sold == 0


def test_managers_run_their_events_vouchers_and_see_the_use_count(client_for, event, regular):
    manager = UserFactory()
    EventMember.objects.create(event=event, user=manager, role=EventMember.Role.MANAGER)
    api = client_for(manager)
    url = f"/api/v1/events/{event.slug}/vouchers/"

    created = api.post(url, {"code": "Early", "kind": "percent", "value": "20", "tickets": [str(regular.pk)],
                             "max_uses": 3}, format="json")
    duplicate = api.post(url, {"code": "EARLY", "kind": "fixed", "value": "1000"}, format="json")
    too_much = api.post(url, {"code": "BANYAK", "kind": "percent", "value": "150"}, format="json")

    assert created.status_code == 201, created.data
    assert (created.json()["used"], created.json()["uses_left"]) == (0, 3)
    assert (duplicate.status_code, list(duplicate.json()["fields"])) == (400, ["code"])
    assert (too_much.status_code, list(too_much.json()["fields"])) == (400, ["value"])
    voucher_url = f"{url}{created.json()['id']}/"
    assert api.patch(voucher_url, {"is_active": False}, format="json").json()["is_active"] is False
    other = EventFactory()
    assert client_for(manager).get(f"/api/v1/events/{other.slug}/vouchers/").status_code == 404


def test_a_used_voucher_cannot_be_deleted(client_for, staff, buyer_api, event, regular):
    voucher = VoucherFactory(event=event, code="PAKAI")
    buyer_api.post("/api/v1/orders/", _order(event, (regular, 1), voucher="PAKAI"), format="json")

    response = client_for(staff).delete(f"/api/v1/events/{event.slug}/vouchers/{voucher.pk}/")

    assert (response.status_code, response.json()["code"]) == (409, "voucher_in_use")


def test_a_buyer_joins_and_leaves_a_sold_out_types_waiting_list(buyer_api, event, regular):
    url = f"/api/v1/events/{event.slug}/waitlist/"
    assert buyer_api.post(url, {"ticket": str(regular.pk)}, format="json").json()["code"] == "seats_available"
    Ticket.objects.filter(pk=regular.pk).update(sold=30)

    joined = buyer_api.post(url, {"ticket": str(regular.pk), "quantity": 2}, format="json")
    again = buyer_api.post(url, {"ticket": str(regular.pk), "quantity": 3}, format="json")

    assert joined.status_code == 201 and joined.json()["position"] == 1
    assert again.status_code == 200 and again.json()["quantity"] == 3
    assert buyer_api.get(url).json()["count"] == 1
    assert buyer_api.delete(f"{url}?ticket={regular.pk}").status_code == 204
    assert WaitlistEntry.objects.get().status == "left"
    bad = buyer_api.post(url, {"ticket": str(regular.pk), "quantity": 0}, format="json")
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["quantity"])
