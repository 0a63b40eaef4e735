-- queries/insert_input.sql on Citus: the input carries its contact's
-- bucket. $1 contact, $2 kind, $3 event id, $4 event name, $5 payload
-- (JSON or NULL), $6 attributes (JSON or NULL), $7 time.
INSERT INTO inputs (bucket, contact_id, kind, event_id, name, payload, attrs, at)
VALUES (journey_bucket($1), $1, $2, NULLIF($3, ''), NULLIF($4, ''), $5, $6, $7);
