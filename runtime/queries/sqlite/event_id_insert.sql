-- Takes an event's identity; no row changes when it was seen before, and
-- the caller then ignores the event.
INSERT INTO event_ids (id, contact_id, at)
VALUES (:id, :contact_id, :at)
ON CONFLICT (id) DO NOTHING;
