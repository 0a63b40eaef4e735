-- Writes an action for delivery, once per idempotency key.
INSERT INTO outbox (key, contact_id, journey, version, step, kind, target, payload, due)
VALUES (:key, :contact_id, :journey, :version, :step, :kind, :target, :payload, :due)
ON CONFLICT (key) DO NOTHING;
