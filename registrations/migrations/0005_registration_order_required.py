import django.db.models.deletion
from django.db import migrations, models


class RequireOrder(migrations.AlterField):
    """Make `order` NOT NULL; on SQLite only in Django's state.

    SQLite cannot add NOT NULL to a column in place, and rebuilding
    registrations_registration would lose checkins' change-stamp column and
    triggers (see 0003's AddRegistrationColumn); every row has an order anyway.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [
        ('registrations', '0004_orders_for_existing_registrations'),
    ]

    operations = [
        RequireOrder(
            model_name='registration',
            name='order',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='registrations', to='registrations.order', verbose_name='order'),
        ),
    ]
