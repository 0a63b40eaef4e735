-- A report's goals by version: report_goals.sql grouped by the version
-- each enrollment is under now as well, each version with its own
-- percentiles.
WITH conv AS (
    SELECT journey, version, substr(reason, 6) AS goal,
           CAST(round((julianday(exited_at) - julianday(entered_at)) * 86400000.0) AS INTEGER) / 1000.0 AS secs
    FROM enrollments
    WHERE (:journey = '' OR journey = :journey)
      AND (:since IS NULL OR entered_at >= :since)
      AND (:until IS NULL OR entered_at < :until)
      AND status = 'converted' AND reason LIKE 'goal %'
), ranked AS (
    SELECT journey, version, goal, secs,
           row_number() OVER (PARTITION BY journey, version, goal ORDER BY secs) - 1 AS i,
           count(*) OVER (PARTITION BY journey, version, goal) AS n
    FROM conv
)
SELECT journey, version, goal, n AS conversions,
       sum(CASE WHEN i = CAST(0.5 * (n - 1) AS INTEGER) THEN secs * (1 - (0.5 * (n - 1) - CAST(0.5 * (n - 1) AS INTEGER)))
                WHEN i = CAST(0.5 * (n - 1) AS INTEGER) + 1 THEN secs * (0.5 * (n - 1) - CAST(0.5 * (n - 1) AS INTEGER))
                ELSE 0 END) AS p50,
       sum(CASE WHEN i = CAST(0.9 * (n - 1) AS INTEGER) THEN secs * (1 - (0.9 * (n - 1) - CAST(0.9 * (n - 1) AS INTEGER)))
                WHEN i = CAST(0.9 * (n - 1) AS INTEGER) + 1 THEN secs * (0.9 * (n - 1) - CAST(0.9 * (n - 1) AS INTEGER))
                ELSE 0 END) AS p90
FROM ranked
GROUP BY journey, version, goal, n;
