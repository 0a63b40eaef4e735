-- Takes the identities of a batch's events, in order of identity (two
-- batches sharing identities wait on one another, never in a cycle). The
-- identities returned are those taken now; the others were taken before,
-- and their events are repeats.
-- $1 event ids (distinct), $2 contacts, $3 the events' times, $4 when
-- they were received.
INSERT INTO event_ids (id, contact_id, at, received_at)
SELECT u.id, u.contact_id, u.at, u.received_at
FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[])
    AS u (id, contact_id, at, received_at)
ORDER BY u.id
ON CONFLICT (id) DO NOTHING
RETURNING id;
