-- A report's split arms: the enrollments of journey $1 ('' for every
-- journey) that began in [$2, $3), by the split step and arm they were
-- placed in (each once, however often the split ran), and how many of
-- them converted.
SELECT journey, step AS split, arm, count(*) AS contacts,
       count(*) FILTER (WHERE status = 'converted') AS converted
FROM (
    SELECT DISTINCT h.journey, h.step, coalesce(h.detail, '') AS arm, h.contact_id, h.entry, s.status
    FROM history h
    JOIN enrollments s ON s.contact_id = h.contact_id AND s.journey = h.journey AND s.entry = h.entry
    WHERE ($1 = '' OR s.journey = $1)
      AND ($2::timestamptz IS NULL OR s.entered_at >= $2)
      AND ($3::timestamptz IS NULL OR s.entered_at < $3)
      AND h.kind = 'arm'
) a
GROUP BY journey, step, arm;
