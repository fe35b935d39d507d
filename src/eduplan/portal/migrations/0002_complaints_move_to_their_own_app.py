"""Complaints move to their own app (``complaints``), tables and rows unchanged: the portal only
forgets the models (state), the ``complaints`` app's migration 0001 takes them over."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ComplaintEvent'),
                migrations.DeleteModel(name='ComplaintContact'),
                migrations.DeleteModel(name='Complaint'),
            ],
            database_operations=[],
        ),
    ]
