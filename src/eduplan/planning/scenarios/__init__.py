"""Planning scenarios (PRE-4.1.1): :mod:`.store` (save, list, compare) and :mod:`.command`
(``eduplan plan scenario``)."""
