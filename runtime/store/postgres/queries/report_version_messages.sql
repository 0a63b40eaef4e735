-- A report's sends by version: report_messages.sql grouped by the version
-- the record's enrollment is under now as well (so the enrollments are
-- always read).
SELECT h.journey, s.version, h.step, coalesce(h.detail, '') AS template, h.kind, count(*) AS count
FROM history h
JOIN enrollments s ON s.contact_id = h.contact_id AND s.journey = h.journey AND s.entry = h.entry
WHERE ($1 = '' OR h.journey = $1)
  AND h.kind IN ('sent', 'suppressed', 'capped', 'over_budget', 'unsubscribed')
  AND ($2::timestamptz IS NULL OR s.entered_at >= $2)
  AND ($3::timestamptz IS NULL OR s.entered_at < $3)
GROUP BY h.journey, s.version, h.step, coalesce(h.detail, ''), h.kind;
