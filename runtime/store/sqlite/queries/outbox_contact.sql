-- One contact's actions, in the order written.
SELECT key, contact_id, journey, version, step, kind, target, payload, due
FROM outbox
WHERE contact_id = :contact_id
ORDER BY seq;
