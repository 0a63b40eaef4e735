-- A report's goals: the enrollments of :journey ('' for every journey)
-- that began in [:since, :until) and converted, by goal, with the p50 and
-- p90 of the time from entry to the goal, in seconds, interpolated as
-- report_stages.sql does. A goal ends its enrollment at once, converted,
-- with the reason "goal NAME" (runtime.Enrollment): the enrollments alone
-- say which goal and when, without the history.
WITH conv AS (
    SELECT journey, substr(reason, 6) AS goal,
           CAST(round((julianday(exited_at) - julianday(entered_at)) * 86400000.0) AS INTEGER) / 1000.0 AS secs
    FROM enrollments
    WHERE (:journey = '' OR journey = :journey)
      AND (:since IS NULL OR entered_at >= :since)
      AND (:until IS NULL OR entered_at < :until)
      AND status = 'converted' AND reason LIKE 'goal %'
), ranked AS (
    SELECT journey, goal, secs,
           row_number() OVER (PARTITION BY journey, goal ORDER BY secs) - 1 AS i,
           count(*) OVER (PARTITION BY journey, goal) AS n
    FROM conv
)
SELECT journey, goal, n AS conversions,
       sum(CASE WHEN i = CAST(0.5 * (n - 1) AS INTEGER) THEN secs * (1 - (0.5 * (n - 1) - CAST(0.5 * (n - 1) AS INTEGER)))
                WHEN i = CAST(0.5 * (n - 1) AS INTEGER) + 1 THEN secs * (0.5 * (n - 1) - CAST(0.5 * (n - 1) AS INTEGER))
                ELSE 0 END) AS p50,
       sum(CASE WHEN i = CAST(0.9 * (n - 1) AS INTEGER) THEN secs * (1 - (0.9 * (n - 1) - CAST(0.9 * (n - 1) AS INTEGER)))
                WHEN i = CAST(0.9 * (n - 1) AS INTEGER) + 1 THEN secs * (0.9 * (n - 1) - CAST(0.9 * (n - 1) AS INTEGER))
                ELSE 0 END) AS p90
FROM ranked
GROUP BY journey, goal, n;
