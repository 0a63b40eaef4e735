-- Queues the inputs of a batch, numbered in the order given.
-- $1 contacts, $2 kinds, $3 event ids ('' for none), $4 event names (''
-- for none), $5 payloads (JSON or NULL), $6 attributes (JSON or NULL),
-- $7 times.
INSERT INTO inputs (contact_id, kind, event_id, name, payload, attrs, at)
SELECT u.contact_id, u.kind, NULLIF(u.event_id, ''), NULLIF(u.name, ''), u.payload, u.attrs, u.at
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[], $7::timestamptz[])
    WITH ORDINALITY AS u (contact_id, kind, event_id, name, payload, attrs, at, n)
ORDER BY u.n;
