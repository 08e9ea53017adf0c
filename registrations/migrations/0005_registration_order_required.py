import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registrations', '0004_orders_for_existing_registrations'),
    ]

    operations = [
        migrations.AlterField(
            model_name='registration',
            name='order',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='registrations', to='registrations.order', verbose_name='order'),
        ),
    ]
