"""Cohort projection: :mod:`.core` (pure, numpy), :mod:`.run` (over the registry),
:mod:`.page` and :mod:`.views` (the population page), :mod:`.command` (``eduplan plan project``)."""
