-- A report's goals by version: report_goals.sql grouped by the version
-- each enrollment is under now as well, each version with its own
-- percentiles.
SELECT journey, version, substr(reason, 6) AS goal, count(*) AS conversions,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM exited_at - entered_at)::float8) AS p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM exited_at - entered_at)::float8) AS p90
FROM enrollments
WHERE ($1 = '' OR journey = $1)
  AND ($2::timestamptz IS NULL OR entered_at >= $2)
  AND ($3::timestamptz IS NULL OR entered_at < $3)
  AND status = 'converted' AND reason LIKE 'goal %'
GROUP BY journey, version, substr(reason, 6);
