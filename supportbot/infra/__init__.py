"""Plumbing every layer shares: the injectable clock, logging that cannot leak a key, data folders."""
