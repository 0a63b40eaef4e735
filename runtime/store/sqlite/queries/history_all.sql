-- Every contact's history, in order.
SELECT contact_id, journey, entry, kind, step, detail, at
FROM history
ORDER BY seq;
