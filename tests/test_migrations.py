"""Every model change has its migration: the demo builds a new database's tables straight from the
models (eduplan.demo), and an existing database only ever gets them through `migrate`, so the two
must describe the same schema."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:
        pytest.fail(
            f"models changed without a migration (`eduplan makemigrations`):\n{out.getvalue()}\n{exc}"
        )
