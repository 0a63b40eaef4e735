-- The outbox rows still to deliver (pending, leased or not), and the
-- earliest time one of them was due.
SELECT count(*) AS pending, min(due) AS oldest
FROM outbox
WHERE status = 'pending';
