-- Writes an action for delivery, once per idempotency key, due at its
-- own time.
INSERT INTO outbox (key, contact_id, journey, version, step, kind, target, payload, due, next_attempt_at)
VALUES (:key, :contact_id, :journey, :version, :step, :kind, :target, :payload, :due, :due)
ON CONFLICT (key) DO NOTHING;
