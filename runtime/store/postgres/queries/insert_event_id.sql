-- Takes an event's identity. No row comes back when the identity was
-- taken before: the event is a repeat and is ignored.
-- $1 event id, $2 contact, $3 the event's time, $4 when it was received.
INSERT INTO event_ids (id, contact_id, at, received_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (id) DO NOTHING
RETURNING id;
