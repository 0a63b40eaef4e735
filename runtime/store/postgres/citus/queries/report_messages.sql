-- queries/report_messages.sql on Citus: each record is matched with its
-- enrollment in the contact's bucket as well as by contact, so that
-- Citus runs the match in each shard.
SELECT h.journey, h.step, coalesce(h.detail, '') AS template, h.kind, count(*) AS count
FROM history h
WHERE ($1 = '' OR h.journey = $1)
  AND h.kind IN ('sent', 'suppressed', 'capped', 'over_budget', 'unsubscribed')
  AND ($2::timestamptz IS NULL OR h.at >= $2) -- a record comes after its enrollment began
  AND (($2::timestamptz IS NULL AND $3::timestamptz IS NULL) OR EXISTS (
      SELECT 1 FROM enrollments s
      WHERE s.bucket = h.bucket AND s.contact_id = h.contact_id AND s.journey = h.journey AND s.entry = h.entry
        AND ($2::timestamptz IS NULL OR s.entered_at >= $2)
        AND ($3::timestamptz IS NULL OR s.entered_at < $3)))
GROUP BY h.journey, h.step, coalesce(h.detail, ''), h.kind;
