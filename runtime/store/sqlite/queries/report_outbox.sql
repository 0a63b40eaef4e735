-- A report's deliveries: the outbox rows of :journey ('' for every
-- journey) due in [:since, :until), by step, kind, target and status. The
-- outbox does not record the enrollment, so its scope is the rows' due
-- time.
SELECT journey, step, kind, target, status, count(*) AS count
FROM outbox
WHERE (:journey = '' OR journey = :journey)
  AND (:since IS NULL OR due >= :since)
  AND (:until IS NULL OR due < :until)
GROUP BY journey, step, kind, target, status;
