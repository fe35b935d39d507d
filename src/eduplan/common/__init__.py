"""What several domains share: workflow transitions and history, evidence files, page actions,
the to-do registry and the one save path. ``common`` imports no domain app (see
``docs/architecture.md``); domains register their providers here from ``AppConfig.ready``."""
