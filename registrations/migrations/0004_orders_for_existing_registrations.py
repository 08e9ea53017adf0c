from django.db import migrations

import registrations.models


def orders_for_existing_registrations(apps, schema_editor):
    """Make every registration so far an order of one, its attendee the buyer."""
    Registration = apps.get_model("registrations", "Registration")
    Order = apps.get_model("registrations", "Order")
    numbers = set(Order.objects.values_list("number", flat=True))
    for registration in Registration.objects.filter(order__isnull=True).select_related("user").iterator(chunk_size=500):
        if registration.status == "cancelled":
            status = "expired" if registration.cancel_reason == "expired" else "cancelled"
        else:
            status = registration.status
        number = registrations.models.new_order_number()
        while number in numbers:
            number = registrations.models.new_order_number()
        numbers.add(number)
        order = Order.objects.create(
            number=number, user_id=registration.user_id, event_id=registration.event_id, status=status,
            subtotal=registration.amount, discount=0, total=registration.amount,
            expires_at=registration.expires_at, paid_at=registration.paid_at, cancelled_at=registration.cancelled_at,
        )
        Order.objects.filter(pk=order.pk).update(created_at=registration.created_at)
        Registration.objects.filter(pk=registration.pk).update(
            order=order, attendee_name=registration.user.full_name, attendee_email=registration.user.email
        )


class Migration(migrations.Migration):

    dependencies = [
        ('registrations', '0003_orders_vouchers_waitlist'),
    ]

    operations = [
        migrations.RunPython(orders_for_existing_registrations, migrations.RunPython.noop, elidable=True),
    ]
