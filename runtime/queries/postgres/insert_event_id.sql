-- Takes an event's identity. No row comes back when the identity was
-- taken before: the event is a repeat and is ignored.
-- $1 event id, $2 contact, $3 time.
INSERT INTO event_ids (id, contact_id, at)
VALUES ($1, $2, $3)
ON CONFLICT (id) DO NOTHING
RETURNING id;
