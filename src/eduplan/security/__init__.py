"""Defences that belong to no one feature: keys and their refusal in production, the Content
Security Policy, opaque row tokens for identity hashes. See docs/security.md."""
