-- queries/insert_event_id.sql on Citus: an identity is unique per
-- contact (the key is bucket, contact, id), in the contact's shard.
-- $1 event id, $2 contact, $3 the event's time, $4 when it was received.
INSERT INTO event_ids (bucket, contact_id, id, at, received_at)
VALUES (journey_bucket($2), $2, $1, $3, $4)
ON CONFLICT (bucket, contact_id, id) DO NOTHING
RETURNING id;
