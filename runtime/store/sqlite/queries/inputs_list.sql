-- A contact's pending inputs, in order of arrival: the first :limit, the
-- rest left for its next run.
SELECT seq, kind, event_id, name, payload, attrs, at
FROM inputs
WHERE contact_id = :contact_id
ORDER BY seq
LIMIT :limit;
