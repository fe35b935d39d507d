"""RecordEdit now belongs to ``common`` (see common/migrations/0001_initial.py); the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0001_initial"),
        ("common", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="RecordEdit")],
        ),
    ]
