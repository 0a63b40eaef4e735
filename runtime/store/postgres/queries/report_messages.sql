-- A report's sends: the history's sent, suppressed, capped and
-- over-budget records of the enrollments of journey $1 ('' for every
-- journey) that began in [$2, $3), by step and template.
SELECT h.journey, h.step, coalesce(h.detail, '') AS template, h.kind, count(*) AS count
FROM history h
JOIN enrollments s ON s.contact_id = h.contact_id AND s.journey = h.journey AND s.entry = h.entry
WHERE ($1 = '' OR s.journey = $1)
  AND ($2::timestamptz IS NULL OR s.entered_at >= $2)
  AND ($3::timestamptz IS NULL OR s.entered_at < $3)
  AND h.kind IN ('sent', 'suppressed', 'capped', 'over_budget')
GROUP BY h.journey, h.step, coalesce(h.detail, ''), h.kind;
