-- A report's goals: the goal records of the enrollments of journey $1
-- ('' for every journey) that began in [$2, $3), by goal, with the time
-- from entry to each, in seconds.
SELECT h.journey, coalesce(h.detail, '') AS goal, count(*) AS conversions,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM h.at - s.entered_at)::float8) AS p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM h.at - s.entered_at)::float8) AS p90
FROM history h
JOIN enrollments s ON s.contact_id = h.contact_id AND s.journey = h.journey AND s.entry = h.entry
WHERE ($1 = '' OR s.journey = $1)
  AND ($2::timestamptz IS NULL OR s.entered_at >= $2)
  AND ($3::timestamptz IS NULL OR s.entered_at < $3)
  AND h.kind = 'goal'
GROUP BY h.journey, coalesce(h.detail, '');
