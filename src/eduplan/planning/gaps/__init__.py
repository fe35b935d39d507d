"""Seat gaps: :mod:`.core` (pure, numpy), :mod:`.run` (both stages over the
registry), :mod:`.page` and :mod:`.views` (the seats page), :mod:`.command` (``eduplan plan gaps``)."""
