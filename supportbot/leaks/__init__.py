"""Leaked keys (pure): what to do about a key found in a message or a file."""
