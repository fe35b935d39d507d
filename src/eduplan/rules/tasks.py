"""Rules over the tasks registers (filled in by the tasks app's work)."""
