-- queries/report_version_messages.sql on Citus: each record is matched
-- with its enrollment in the contact's bucket as well as by contact, so
-- that Citus runs the match in each shard.
SELECT h.journey, s.version, h.step, coalesce(h.detail, '') AS template, h.kind, count(*) AS count
FROM history h
JOIN enrollments s ON s.bucket = h.bucket AND s.contact_id = h.contact_id AND s.journey = h.journey AND s.entry = h.entry
WHERE ($1 = '' OR h.journey = $1)
  AND h.kind IN ('sent', 'suppressed', 'capped', 'over_budget', 'unsubscribed')
  AND ($2::timestamptz IS NULL OR s.entered_at >= $2)
  AND ($3::timestamptz IS NULL OR s.entered_at < $3)
GROUP BY h.journey, s.version, h.step, coalesce(h.detail, ''), h.kind;
