"""Digests and batches: a rule's mentions summed up on a schedule, and new mentions sent a few at a time."""
