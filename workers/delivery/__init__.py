"""Notifications to people: stored in an outbox with the change they tell of, then sent per channel."""
