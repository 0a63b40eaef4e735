-- A report's split arms by version: report_arms.sql grouped by the
-- version each enrollment is under now as well.
SELECT journey, version, step AS split, arm, count(*) AS contacts,
       count(*) FILTER (WHERE status = 'converted') AS converted
FROM (
    SELECT DISTINCT h.journey, s.version, h.step, coalesce(h.detail, '') AS arm, h.contact_id, h.entry, s.status
    FROM history h
    JOIN enrollments s ON s.contact_id = h.contact_id AND s.journey = h.journey AND s.entry = h.entry
    WHERE (:journey = '' OR s.journey = :journey)
  AND (:since IS NULL OR s.entered_at >= :since)
  AND (:until IS NULL OR s.entered_at < :until)
      AND h.kind = 'arm'
)
GROUP BY journey, version, step, arm;
