-- Every action, in the order written.
SELECT key, contact_id, journey, version, step, kind, target, payload, due
FROM outbox
ORDER BY seq;
