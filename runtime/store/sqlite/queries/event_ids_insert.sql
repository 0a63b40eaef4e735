-- Takes the identities of a batch's events; the identities returned are
-- those taken now, the others were seen before and their events are
-- ignored. :events is a JSON array of [id, contact, at, received_at].
INSERT INTO event_ids (id, contact_id, at, received_at)
SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3
FROM json_each(:events) AS j
WHERE true
ON CONFLICT (id) DO NOTHING
RETURNING id;
