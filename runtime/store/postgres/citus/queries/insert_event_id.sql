-- queries/insert_event_id.sql on Citus: an identity is unique within its
-- contact's bucket (citus/distribute.sql), in the contact's shard.
-- $1 event id, $2 contact, $3 the event's time, $4 when it was received.
INSERT INTO event_ids (bucket, id, contact_id, at, received_at)
VALUES (journey_bucket($2), $1, $2, $3, $4)
ON CONFLICT (bucket, id) DO NOTHING
RETURNING id;
