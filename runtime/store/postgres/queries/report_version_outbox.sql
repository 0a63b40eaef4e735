-- A report's deliveries by version: the outbox rows of journey $1 (''
-- for every journey) due in [$2, $3), by the version that wrote each,
-- step, kind, target and status.
SELECT journey, version, step, kind, target, status, count(*) AS count
FROM outbox
WHERE ($1 = '' OR journey = $1)
  AND ($2::timestamptz IS NULL OR due >= $2)
  AND ($3::timestamptz IS NULL OR due < $3)
GROUP BY journey, version, step, kind, target, status;
