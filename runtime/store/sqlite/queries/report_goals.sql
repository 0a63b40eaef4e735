-- A report's goals: the goal records of the enrollments of :journey (''
-- for every journey) that began in [:since, :until), by goal, with the
-- p50 and p90 of the time from entry to each, in seconds, interpolated as
-- report_stages.sql does.
WITH conv AS (
    SELECT h.journey, coalesce(h.detail, '') AS goal,
           CAST(round((julianday(h.at) - julianday(s.entered_at)) * 86400000.0) AS INTEGER) / 1000.0 AS secs
    FROM history h
    JOIN enrollments s ON s.contact_id = h.contact_id AND s.journey = h.journey AND s.entry = h.entry
    WHERE (:journey = '' OR s.journey = :journey)
  AND (:since IS NULL OR s.entered_at >= :since)
  AND (:until IS NULL OR s.entered_at < :until)
      AND h.kind = 'goal'
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
