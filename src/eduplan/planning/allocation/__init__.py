"""Target allocation: :mod:`.methods` (names and labels, light), :mod:`.core` (pure,
numpy/scipy), :mod:`.run` (over the registry), :mod:`.page` and :mod:`.views`, :mod:`.command`
(``eduplan plan allocate``)."""
