-- The pending inputs of claimed contacts, in order of arrival.
-- $1 contact ids.
SELECT seq, contact_id, kind, coalesce(event_id, '') AS event_id, coalesce(name, '') AS name,
       payload, attrs, at
FROM inputs
WHERE contact_id = ANY($1)
ORDER BY seq;
