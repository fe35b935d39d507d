"""Planning scenarios: :mod:`.store` (save, list, compare) and :mod:`.command`
(``eduplan plan scenario``)."""
