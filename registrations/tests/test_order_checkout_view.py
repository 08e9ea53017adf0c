"""The site's order checkout: quantities and a promo code from the event page, a named attendee per ticket."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import Ticket
from events.tests.factories import EventFactory, TicketFactory
from registrations.models import Order, Registration, Voucher

from .factories import RegistrationFactory, VoucherFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory(title="Festival Jazz Jakarta", max_tickets_per_order=5)


@pytest.fixture
def vip(event):
    return TicketFactory(event=event, name="VIP", price=Decimal("500000"), quota=10, max_per_user=4)


@pytest.fixture
def regular(event):
    return TicketFactory(event=event, name="Reguler", price=Decimal("150000"), quota=10, max_per_user=4)


def _url(event, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('registrations:checkout', kwargs={'slug': event.slug})}?{query}"


def _choice(vip_qty, regular_qty, vip, regular, voucher="") -> dict:
    data = {f"qty-{vip.pk}": str(vip_qty), f"qty-{regular.pk}": str(regular_qty)}
    if voucher:
        data["voucher"] = voucher
    return data


def _attendees(*people) -> dict:
    data = {"attendee-TOTAL_FORMS": str(len(people)), "attendee-INITIAL_FORMS": "0",
            "attendee-MIN_NUM_FORMS": "0", "attendee-MAX_NUM_FORMS": "1000"}
    for index, (name, email) in enumerate(people):
        data[f"attendee-{index}-name"] = name
        data[f"attendee-{index}-email"] = email
    return data


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_event_page_offers_a_quantity_per_ticket_type_and_a_promo_code(en_client, event, vip, regular):
    sold_out = TicketFactory(event=event, name="Early bird", quota=2, sold=2)
    page = en_client.get(event.get_absolute_url()).content.decode()
    assert f'name="qty-{vip.pk}"' in page and f'name="qty-{regular.pk}"' in page
    assert f'name="qty-{sold_out.pk}"' not in page
    # VIP: at most 4 per buyer; the order cap (5) and the seats (10) allow more.
    assert f'<select id="qty-{vip.pk}"' in page and '<option value="4">4</option>' in page
    assert '<option value="5">5</option>' not in page
    assert 'name="voucher"' in page
    assert reverse("registrations:checkout", kwargs={"slug": event.slug}) in page


def test_the_quantities_offered_stop_at_the_seats_left(en_client, event):
    last = TicketFactory(event=event, name="Tribun", quota=3, sold=1, max_per_user=10)
    page = en_client.get(event.get_absolute_url()).content.decode()
    select = page[page.index(f'<select id="qty-{last.pk}"'):]
    select = select[:select.index("</select>")]
    assert '<option value="2">2</option>' in select and '<option value="3">' not in select


def test_an_anonymous_buyer_is_sent_to_log_in_and_back_to_the_same_choice(en_client, event, vip, regular):
    url = _url(event, **{f"qty-{vip.pk}": 2})
    answer = en_client.get(url)
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("accounts:login") + "?next=")
    assert f"qty-{vip.pk}" in answer["Location"]


def test_the_checkout_shows_the_totals_with_the_discount_and_asks_each_attendee(logged_in, user, event, vip, regular):
    VoucherFactory(event=event, code="JAZZ10", kind=Voucher.Kind.PERCENT, value=10)
    answer = logged_in.get(reverse("registrations:checkout", kwargs={"slug": event.slug}),
                           _choice(2, 1, vip, regular, voucher="jazz10"))
    assert answer.status_code == 200
    page = answer.content.decode()
    # 2 × 500.000 + 150.000 = 1.150.000; 10 % off = 115.000; total 1.035.000.
    assert "Rp 1.150.000" in page and "Rp 115.000" in page and "Rp 1.035.000" in page
    assert "Discount (JAZZ10)" in page
    assert page.count('class="attendee"') == 3
    assert "Ticket 1 · VIP" in page and "Ticket 3 · Reguler" in page
    assert f'value="{user.full_name}"' in page and f'value="{user.email}"' in page
    assert page.count(f'value="{user.email}"') == 1
    assert Order.objects.count() == 0


def test_placing_the_order_names_each_attendee_and_goes_to_payment(logged_in, user, event, vip, regular,
                                                                   checkout_hook):
    VoucherFactory(event=event, code="JAZZ10", kind=Voucher.Kind.PERCENT, value=10)
    url = reverse("registrations:checkout", kwargs={"slug": event.slug})
    data = {**_choice(2, 1, vip, regular, voucher="JAZZ10"),
            **_attendees((user.full_name, user.email), ("Budi Santoso", "budi@example.com"), ("Citra Dewi", ""))}
    answer = logged_in.post(url, data)

    order = Order.objects.get(user=user)
    lead = order.lead_registration()
    assert answer.status_code == 302 and answer["Location"] == f"/checkout/{lead.pk}/"
    assert (order.status, order.subtotal, order.discount, order.total) == ("pending", 1150000, 115000, 1035000)
    assert order.voucher.code == "JAZZ10"
    tickets = list(order.registrations.order_by("attendee_name").values_list(
        "ticket__name", "attendee_name", "attendee_email"))
    assert tickets == sorted([
        ("VIP", user.full_name, user.email), ("VIP", "Budi Santoso", "budi@example.com"),
        ("Reguler", "Citra Dewi", user.email),
    ], key=lambda t: t[1])
    assert sum(order.registrations.values_list("amount", flat=True)) == Decimal("1035000")
    assert (Ticket.objects.get(pk=vip.pk).sold, Ticket.objects.get(pk=regular.pk).sold) == (2, 1)
    assert Voucher.objects.get(event=event).used == 1


def test_a_free_order_is_confirmed_at_once_and_shown_on_the_dashboard(logged_in, user, event, vip, regular):
    VoucherFactory(event=event, code="GRATIS", kind=Voucher.Kind.PERCENT, value=100)
    url = reverse("registrations:checkout", kwargs={"slug": event.slug})
    answer = logged_in.post(url, {**_choice(1, 1, vip, regular, voucher="gratis"),
                                  **_attendees(("Ayu", ""), ("Bayu", "bayu@example.com"))}, follow=True)
    order = Order.objects.get(user=user)
    assert order.status == "paid" and order.total == 0
    assert answer.redirect_chain[-1][0] == f"{reverse('registrations:dashboard')}#order-{order.pk}"
    assert "Your order is confirmed." in _messages(answer)[0]
    page = answer.content.decode()
    assert "Ayu" in page and "Bayu" in page
    for registration in order.registrations.all():
        assert reverse("registrations:qr_png", kwargs={"pk": registration.pk}) in page


@pytest.mark.parametrize(("choice", "message"), [
    ({"vip": 5}, "You can hold at most 4 tickets of VIP."),
    ({"vip": 3, "regular": 3}, "One order holds at most 5 tickets."),
    ({"vip": "dua"}, "Choose how many tickets of VIP you want."),
    ({"vip": 0}, "Choose at least one ticket."),
    ({"vip": -1}, "Ask for at least one ticket of each type."),
])
def test_a_refused_choice_goes_back_to_the_event_page_with_the_reason(logged_in, user, event, vip, regular,
                                                                      choice, message):
    tickets = {"vip": vip, "regular": regular}
    data = {f"qty-{tickets[name].pk}": str(quantity) for name, quantity in choice.items()}
    answer = logged_in.get(reverse("registrations:checkout", kwargs={"slug": event.slug}), data, follow=True)
    assert answer.redirect_chain[-1][0].startswith(event.get_absolute_url())
    assert _messages(answer) == [message]
    assert Order.objects.count() == 0


def test_the_limit_counts_the_tickets_the_buyer_already_holds(logged_in, user, event, vip, regular):
    for _ in range(3):
        RegistrationFactory(user=user, ticket=vip, paid=True)
    url = reverse("registrations:checkout", kwargs={"slug": event.slug})
    answer = logged_in.post(url, {**_choice(2, 0, vip, regular), **_attendees(("A", ""), ("B", ""))}, follow=True)
    assert _messages(answer) == ["You can hold at most 4 tickets of VIP."]
    assert Order.objects.filter(user=user).count() == 3


@pytest.mark.parametrize(("voucher", "message"), [
    ("NGAWUR", "This promo code is not valid for this event."),
    ("LEWAT", "This promo code has expired."),
    ("HABIS", "This promo code has been used up."),
])
def test_an_invalid_promo_code_is_a_form_message(logged_in, event, vip, regular, voucher, message):
    now = timezone.now()
    VoucherFactory(event=event, code="LEWAT", valid_until=now - datetime.timedelta(days=1),
                   valid_from=now - datetime.timedelta(days=5))
    VoucherFactory(event=event, code="HABIS", max_uses=1)
    Voucher.objects.filter(code="HABIS").update(used=1)
    answer = logged_in.get(reverse("registrations:checkout", kwargs={"slug": event.slug}),
                           _choice(1, 0, vip, regular, voucher=voucher), follow=True)
    assert answer.status_code == 200
    assert _messages(answer) == [message]
    assert Order.objects.count() == 0


def test_sales_closed_is_a_form_message(logged_in, event, regular):
    regular.sales_end = timezone.now() - datetime.timedelta(hours=1)
    regular.save()
    answer = logged_in.get(_url(event, **{f"qty-{regular.pk}": 1}), follow=True)
    assert _messages(answer) == ["Sales for this ticket have ended."]


def test_seats_gone_between_the_checkout_and_placing_is_sold_out_and_changes_nothing(logged_in, event, vip, regular):
    url = reverse("registrations:checkout", kwargs={"slug": event.slug})
    assert logged_in.get(url, _choice(2, 1, vip, regular)).status_code == 200
    Ticket.objects.filter(pk=regular.pk).update(sold=10)
    answer = logged_in.post(url, {**_choice(2, 1, vip, regular), **_attendees(("A", ""), ("B", ""), ("C", ""))})
    assert answer.status_code == 409
    assert _messages(answer) == ["Not enough seats of Reguler are left."]
    # The attendees typed stay on the page.
    assert 'value="B"' in answer.content.decode()
    assert Order.objects.count() == 0 and Registration.objects.count() == 0
    assert Ticket.objects.get(pk=vip.pk).sold == 0


def test_a_malformed_attendee_email_is_a_field_error(logged_in, event, vip, regular):
    url = reverse("registrations:checkout", kwargs={"slug": event.slug})
    answer = logged_in.post(url, {**_choice(2, 0, vip, regular), **_attendees(("A", ""), ("B", "bukan-email"))})
    assert answer.status_code == 400
    assert "Enter a valid email address." in answer.content.decode()
    assert Order.objects.count() == 0


def test_an_attendee_list_of_the_wrong_length_places_nothing(logged_in, event, vip, regular):
    url = reverse("registrations:checkout", kwargs={"slug": event.slug})
    answer = logged_in.post(url, {**_choice(2, 0, vip, regular), **_attendees(("A", ""))})
    assert answer.status_code == 400
    assert Order.objects.count() == 0


def test_a_missing_attendee_name_is_a_field_error(logged_in, event, vip, regular):
    url = reverse("registrations:checkout", kwargs={"slug": event.slug})
    answer = logged_in.post(url, {**_choice(1, 0, vip, regular), **_attendees(("", "a@example.com"))})
    assert answer.status_code == 400
    assert "Enter the name of the person this ticket admits." in answer.content.decode()


def test_another_events_ticket_type_is_refused(logged_in, event, vip):
    other = TicketFactory(name="Lain")
    answer = logged_in.get(_url(event, **{f"qty-{other.pk}": 1}), follow=True)
    assert _messages(answer) == ["That ticket type is not offered for this event."]
    assert Order.objects.count() == 0


def test_cancelling_a_pending_order_releases_every_seat_and_the_promo_code(logged_in, user, event, vip, regular,
                                                                           checkout_hook):
    VoucherFactory(event=event, code="JAZZ10", max_uses=3)
    url = reverse("registrations:checkout", kwargs={"slug": event.slug})
    logged_in.post(url, {**_choice(1, 1, vip, regular, voucher="JAZZ10"), **_attendees(("A", ""), ("B", ""))})
    order = Order.objects.get(user=user)

    dashboard = logged_in.get(reverse("registrations:dashboard")).content.decode()
    cancel_url = reverse("registrations:cancel_order", kwargs={"pk": order.pk})
    assert cancel_url in dashboard and order.number in dashboard
    assert f'href="/checkout/{order.lead_registration().pk}/"' in dashboard
    confirm = logged_in.get(cancel_url).content.decode()
    assert "Cancel this order?" in confirm and "VIP · A" in confirm
    answer = logged_in.post(cancel_url, follow=True)

    order.refresh_from_db()
    assert order.status == "cancelled"
    assert set(order.registrations.values_list("status", flat=True)) == {"cancelled"}
    assert (Ticket.objects.get(pk=vip.pk).sold, Ticket.objects.get(pk=regular.pk).sold) == (0, 0)
    assert Voucher.objects.get(code="JAZZ10").used == 0
    assert f"Your order {order.number} for Festival Jazz Jakarta has been cancelled." in _messages(answer)


def test_another_users_order_cannot_be_cancelled(logged_in, event, vip):
    other = RegistrationFactory(ticket=vip, user=UserFactory())
    assert logged_in.post(reverse("registrations:cancel_order", kwargs={"pk": other.order_id})).status_code == 404
    other.refresh_from_db()
    assert other.status == "pending"


def test_cancelling_one_ticket_of_a_pending_order_on_the_site_asks_to_cancel_the_order(logged_in, user, event, vip,
                                                                                       regular):
    url = reverse("registrations:checkout", kwargs={"slug": event.slug})
    logged_in.post(url, {**_choice(1, 1, vip, regular), **_attendees(("A", ""), ("B", ""))})
    order = Order.objects.get(user=user)
    ticket = order.registrations.first()
    answer = logged_in.get(reverse("registrations:cancel", kwargs={"pk": ticket.pk}))
    assert answer["Location"] == reverse("registrations:cancel_order", kwargs={"pk": order.pk})
    logged_in.post(reverse("registrations:cancel", kwargs={"pk": ticket.pk}))
    assert set(order.registrations.values_list("status", flat=True)) == {"cancelled"}


def test_the_registration_export_names_the_order_the_attendee_and_the_promo_code(staff_client, event, vip, regular):
    import csv
    import io

    buyer = UserFactory(email="ayu@example.com", full_name="Ayu")
    VoucherFactory(event=event, code="JAZZ10")
    from registrations import services

    order = services.place_order(
        user=buyer, event=event, items=[services.Item(vip, 1), services.Item(regular, 1)],
        attendees=[services.Attendee("Ayu"), services.Attendee("Budi", "budi@example.com")], voucher_code="jazz10",
    )
    response = staff_client.post(reverse("admin:registrations_registration_changelist"), {
        "action": "export_csv", "_selected_action": [str(r.pk) for r in order.registrations.all()],
    })
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert sorted((r["order"], r["attendee_name"], r["attendee_email"], r["email"], r["voucher"]) for r in rows) == [
        (order.number, "Ayu", "ayu@example.com", "ayu@example.com", "JAZZ10"),
        (order.number, "Budi", "budi@example.com", "ayu@example.com", "JAZZ10"),
    ]


def test_a_tickets_page_names_its_attendee_and_the_buyer(logged_in, user, event, vip):
    from registrations import services

    order = services.place_order(user=user, event=event, items=[services.Item(vip, 2)],
                                 attendees=[services.Attendee(user.full_name), services.Attendee("Budi", "b@example.com")])
    budi = order.registrations.get(attendee_name="Budi")
    page = logged_in.get(reverse("registrations:detail", kwargs={"pk": budi.pk})).content.decode()
    assert "<dd>Budi · b@example.com</dd>" in page
    assert f"<dt>Bought by</dt><dd>{user.full_name}</dd>" in page and order.number in page


def test_a_refused_choice_comes_back_chosen_on_the_event_page(logged_in, event, vip, regular):
    answer = logged_in.get(reverse("registrations:checkout", kwargs={"slug": event.slug}),
                           _choice(3, 3, vip, regular, voucher="SALAH"), follow=True)
    assert _messages(answer) == ["One order holds at most 5 tickets."]
    page = answer.content.decode()
    for ticket in (vip, regular):
        select = page[page.index(f'<select id="qty-{ticket.pk}"'):]
        assert '<option value="3" selected>3</option>' in select[:select.index("</select>")]
    assert 'name="voucher" value="SALAH"' in page
