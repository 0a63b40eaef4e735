-- A contact's pending inputs, in order of arrival.
SELECT seq, kind, event_id, name, payload, attrs, at
FROM inputs
WHERE contact_id = :contact_id
ORDER BY seq;
