-- A report's deliveries: the outbox rows of journey $1 ('' for every
-- journey) due in [$2, $3), by step, kind, target and status. The outbox
-- does not record the enrollment, so its scope is the rows' due time.
SELECT journey, step, kind, target, status, count(*) AS count
FROM outbox
WHERE ($1 = '' OR journey = $1)
  AND ($2::timestamptz IS NULL OR due >= $2)
  AND ($3::timestamptz IS NULL OR due < $3)
GROUP BY journey, step, kind, target, status;
