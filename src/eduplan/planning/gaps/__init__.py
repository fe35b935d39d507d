"""Seat gaps (PRE-4.1.1, HS-T1): :mod:`.core` (pure, numpy), :mod:`.run` (both stages over the
registry), :mod:`.page` and :mod:`.views` (the seats page), :mod:`.command` (``eduplan plan gaps``)."""
