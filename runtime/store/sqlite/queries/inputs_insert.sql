-- Queues the inputs of a batch, numbered in the order given. :inputs is a
-- JSON array of [contact, kind, event id, event name, payload, attributes,
-- at], the payload and attributes as JSON text or null.
INSERT INTO inputs (contact_id, kind, event_id, name, payload, attrs, at)
SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6
FROM json_each(:inputs) AS j
ORDER BY j.key;
