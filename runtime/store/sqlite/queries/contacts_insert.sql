-- contact_insert for the contacts of a batch. :contacts is a JSON array
-- of [id, initial state, time of the earliest input].
INSERT INTO contacts (id, state)
SELECT j.value ->> 0, j.value ->> 1
FROM json_each(:contacts) AS j
WHERE true
ON CONFLICT (id) DO NOTHING;
