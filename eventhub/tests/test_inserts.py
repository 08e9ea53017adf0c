"""eventhub.inserts: the hand-compiled INSERTs of a purchase write what the ORM would, and skip nothing that listens."""

import pytest
from django.db.models import signals

from registrations.models import Order, Registration
from accounts.tests.factories import UserFactory
from eventhub import inserts
from events.tests.factories import TicketFactory

# Every model whose new rows a hot path writes through `inserts` (no model signals are sent for them).
WRITTEN_BY_INSERTS = [Order, Registration]


@pytest.mark.parametrize("model", WRITTEN_BY_INSERTS, ids=lambda model: model.__name__)
@pytest.mark.parametrize("signal", ["pre_save", "post_save"])
def test_no_receiver_listens_to_the_saves_inserts_skip(model, signal):
    # A receiver connected to these would silently miss every purchase: send what it needs from the
    # services (registrations.signals, after the commit) or stop writing the model through `inserts`.
    assert not getattr(signals, signal).has_listeners(model)


@pytest.mark.django_db
def test_a_row_written_by_inserts_reads_back_as_the_orm_would_write_it():
    ticket, user = TicketFactory(), UserFactory()
    by_hand = Order(user=user, event=ticket.event, subtotal=ticket.price, total=ticket.price)
    inserts.insert([by_hand])
    by_orm = Order.objects.create(user=user, event=ticket.event, subtotal=ticket.price, total=ticket.price)

    assert by_hand._state.adding is False and by_hand._state.db == "default"
    read, expected = Order.objects.get(pk=by_hand.pk), Order.objects.get(pk=by_orm.pk)
    for field in Order._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.name == "number":  # a fresh random one each
            assert read.number.startswith("EH-") and read.number != expected.number
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            assert getattr(read, field.attname) is not None, field.name
            continue
        assert getattr(read, field.attname) == getattr(expected, field.attname), field.name


def test_rows_without_their_primary_key_are_refused():
    with pytest.raises(ValueError):
        inserts.statement([Order(pk=None)])
