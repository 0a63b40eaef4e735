-- Takes an event's identity; no row changes when it was seen before, and
-- the caller then ignores the event. :at is the event's time,
-- :received_at when it was received.
INSERT INTO event_ids (id, contact_id, at, received_at)
VALUES (:id, :contact_id, :at, :received_at)
ON CONFLICT (id) DO NOTHING;
