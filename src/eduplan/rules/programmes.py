"""Rules over the programmes registers (filled in by the programmes app's work)."""
