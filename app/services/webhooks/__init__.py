"""Webhooks: events written with the change they tell of (``outbox``), their payloads, delivery, subscriptions."""
