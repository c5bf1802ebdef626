"""The storage layer's errors (drawn in the one tree in ``supportbot/infra/errors.py``)."""

from __future__ import annotations

from supportbot.infra.errors import SupportbotError


class StoreLayerError(SupportbotError):
    """Base of every error the storage layer raises (``db.StoreError``, ``gap_tables.AmbiguousGap``)."""
