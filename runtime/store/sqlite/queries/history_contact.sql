-- One contact's history, in order.
SELECT contact_id, journey, entry, kind, step, detail, at
FROM history
WHERE contact_id = :contact_id
ORDER BY seq;
