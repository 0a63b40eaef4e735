-- A report's goals: the enrollments of journey $1 ('' for every journey)
-- that began in [$2, $3) and converted, by goal, with the time from entry
-- to the goal, in seconds. A goal ends its enrollment at once, converted,
-- with the reason "goal NAME" (runtime.Enrollment): the enrollments alone
-- say which goal and when, without the history.
SELECT journey, substr(reason, 6) AS goal, count(*) AS conversions,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM exited_at - entered_at)::float8) AS p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM exited_at - entered_at)::float8) AS p90
FROM enrollments
WHERE ($1 = '' OR journey = $1)
  AND ($2::timestamptz IS NULL OR entered_at >= $2)
  AND ($3::timestamptz IS NULL OR entered_at < $3)
  AND status = 'converted' AND reason LIKE 'goal %'
GROUP BY journey, substr(reason, 6);
