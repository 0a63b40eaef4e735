-- A report's split arms: the enrollments of journey $1 ('' for every
-- journey) that began in [$2, $3), by the split step and the arm they
-- were first placed in (each once, however often the split ran), and how
-- many of them converted. The arm records are read in the order of the
-- history_arms index: DISTINCT ON keeps each enrollment's first without a
-- sort.
WITH scope AS (
    SELECT contact_id, journey, entry, status
    FROM enrollments
    WHERE ($1 = '' OR journey = $1)
      AND ($2::timestamptz IS NULL OR entered_at >= $2)
      AND ($3::timestamptz IS NULL OR entered_at < $3)
), placed AS (
    SELECT DISTINCT ON (h.journey, h.contact_id, h.entry, h.step)
           h.journey, h.contact_id, h.entry, h.step, coalesce(h.detail, '') AS arm
    FROM history h
    WHERE ($1 = '' OR h.journey = $1) AND h.kind = 'arm'
    ORDER BY h.journey, h.contact_id, h.entry, h.step, h.seq
)
SELECT p.journey, p.step AS split, p.arm, count(*) AS contacts,
       count(*) FILTER (WHERE s.status = 'converted') AS converted
FROM placed p
JOIN scope s ON s.contact_id = p.contact_id AND s.journey = p.journey AND s.entry = p.entry
GROUP BY p.journey, p.step, p.arm;
