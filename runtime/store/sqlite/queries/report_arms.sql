-- A report's split arms: the enrollments of :journey ('' for every
-- journey) that began in [:since, :until), by the split step and arm they
-- were placed in (each once, however often the split ran), and how many
-- of them converted.
SELECT journey, step AS split, arm, count(*) AS contacts,
       count(*) FILTER (WHERE status = 'converted') AS converted
FROM (
    SELECT DISTINCT h.journey, h.step, coalesce(h.detail, '') AS arm, h.contact_id, h.entry, s.status
    FROM history h
    JOIN enrollments s ON s.contact_id = h.contact_id AND s.journey = h.journey AND s.entry = h.entry
    WHERE (:journey = '' OR s.journey = :journey)
  AND (:since IS NULL OR s.entered_at >= :since)
  AND (:until IS NULL OR s.entered_at < :until)
      AND h.kind = 'arm'
)
GROUP BY journey, step, arm;
