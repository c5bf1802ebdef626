"""Tickets (pure): the five safe fields, the rules for each, pre-fill from a message, the error time."""
