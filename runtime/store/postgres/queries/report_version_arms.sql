-- A report's split arms by version: report_arms.sql grouped by the
-- version each enrollment is under now as well.
WITH scope AS (
    SELECT contact_id, journey, entry, status, version
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
SELECT p.journey, s.version, p.step AS split, p.arm, count(*) AS contacts,
       count(*) FILTER (WHERE s.status = 'converted') AS converted
FROM placed p
JOIN scope s ON s.contact_id = p.contact_id AND s.journey = p.journey AND s.entry = p.entry
GROUP BY p.journey, s.version, p.step, p.arm;
