"""The indicators through a connection of the engine's own (a file path or a URL), as a report server
would read them. Its own module: a committed (transactional) test must not run inside the open
transaction of ``test_engines.py``'s module-wide golden city."""

from __future__ import annotations

import pytest
from django.db import connection

from eduplan.metrics import engines
from eduplan.metrics.indicators import compute_indicators
from tests.metrics import golden


@pytest.mark.django_db(transaction=True)
def test_a_separate_connection_sees_the_same(tmp_path):
    """Committed data through a connection of its own (a file path or a URL), as a report server would."""
    golden.build()
    on_django = compute_indicators(engine=engines.from_django(), incidents=[])
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        separate = engines.sqlite(settings["NAME"])
    else:
        user, host, port, name = (
            settings["USER"],
            settings["HOST"],
            settings["PORT"] or 5432,
            settings["NAME"],
        )
        separate = engines.postgres(f"postgres://{user}@{host}:{port}/{name}")
    assert compute_indicators(engine=separate, incidents=[]) == on_django
