-- A report's sends by version: report_messages.sql grouped by the version
-- the record's enrollment is under now as well.
SELECT h.journey, s.version, h.step, coalesce(h.detail, '') AS template, h.kind, count(*) AS count
FROM history h
JOIN enrollments s ON s.contact_id = h.contact_id AND s.journey = h.journey AND s.entry = h.entry
WHERE (:journey = '' OR s.journey = :journey)
  AND (:since IS NULL OR s.entered_at >= :since)
  AND (:until IS NULL OR s.entered_at < :until)
  AND h.kind IN ('sent', 'suppressed', 'capped', 'over_budget', 'unsubscribed')
GROUP BY h.journey, s.version, h.step, coalesce(h.detail, ''), h.kind;
