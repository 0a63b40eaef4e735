-- queries/report_version_arms.sql on Citus: each enrollment's first arm is
-- picked, and matched with the enrollment, in the contact's bucket as
-- well as by contact, so that Citus runs both in each shard.
WITH scope AS (
    SELECT bucket, contact_id, journey, entry, status, version
    FROM enrollments
    WHERE ($1 = '' OR journey = $1)
      AND ($2::timestamptz IS NULL OR entered_at >= $2)
      AND ($3::timestamptz IS NULL OR entered_at < $3)
), placed AS (
    SELECT DISTINCT ON (h.bucket, h.journey, h.contact_id, h.entry, h.step)
           h.bucket, h.journey, h.contact_id, h.entry, h.step, coalesce(h.detail, '') AS arm
    FROM history h
    WHERE ($1 = '' OR h.journey = $1) AND h.kind = 'arm'
    ORDER BY h.bucket, h.journey, h.contact_id, h.entry, h.step, h.seq
)
SELECT p.journey, s.version, p.step AS split, p.arm, count(*) AS contacts,
       count(*) FILTER (WHERE s.status = 'converted') AS converted
FROM placed p
JOIN scope s ON s.bucket = p.bucket AND s.contact_id = p.contact_id AND s.journey = p.journey AND s.entry = p.entry
GROUP BY p.journey, s.version, p.step, p.arm;
