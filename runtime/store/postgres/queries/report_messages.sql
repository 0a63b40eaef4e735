-- A report's sends: the history's sent, suppressed, capped,
-- over-budget and unsubscribed records of the enrollments of journey $1 ('' for every
-- journey) that began in [$2, $3), by step and template. Unbounded (both
-- NULL), every record counts: the statement is planned with its
-- parameters, and the enrollments are not read at all.
SELECT h.journey, h.step, coalesce(h.detail, '') AS template, h.kind, count(*) AS count
FROM history h
WHERE ($1 = '' OR h.journey = $1)
  AND h.kind IN ('sent', 'suppressed', 'capped', 'over_budget', 'unsubscribed')
  AND ($2::timestamptz IS NULL OR h.at >= $2) -- a record comes after its enrollment began
  AND (($2::timestamptz IS NULL AND $3::timestamptz IS NULL) OR EXISTS (
      SELECT 1 FROM enrollments s
      WHERE s.contact_id = h.contact_id AND s.journey = h.journey AND s.entry = h.entry
        AND ($2::timestamptz IS NULL OR s.entered_at >= $2)
        AND ($3::timestamptz IS NULL OR s.entered_at < $3)))
GROUP BY h.journey, h.step, coalesce(h.detail, ''), h.kind;
