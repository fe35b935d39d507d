"""Rules over the workforce registers (filled in by the workforce app's work)."""
