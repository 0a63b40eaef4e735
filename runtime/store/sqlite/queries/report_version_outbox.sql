-- A report's deliveries by version: the outbox rows of :journey ('' for
-- every journey) due in [:since, :until), by the version that wrote each,
-- step, kind, target and status.
SELECT journey, version, step, kind, target, status, count(*) AS count
FROM outbox
WHERE (:journey = '' OR journey = :journey)
  AND (:since IS NULL OR due >= :since)
  AND (:until IS NULL OR due < :until)
GROUP BY journey, version, step, kind, target, status;
