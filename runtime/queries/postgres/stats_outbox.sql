-- The outbox rows still to deliver: pending, leased or not.
SELECT count(*)
FROM outbox
WHERE status = 'pending';
