-- A report's stages by version: report_stages.sql grouped by the version
-- each enrollment is under now as well, each version with its own
-- percentiles, and its active enrollments stalled past its own p90.
WITH scope AS (
    SELECT contact_id, journey, version, entry, status, stage, stage_at
    FROM enrollments
    WHERE (:journey = '' OR journey = :journey)
  AND (:since IS NULL OR entered_at >= :since)
  AND (:until IS NULL OR entered_at < :until)
), marks AS (
    SELECT h.journey, s.version, h.contact_id, h.entry,
           CASE WHEN h.first_stage IS NOT NULL THEN 'stage' ELSE h.kind END AS kind,
           coalesce(h.first_stage, h.detail) AS detail, h.at,
           lead(h.at) OVER (PARTITION BY h.contact_id, h.journey, h.entry ORDER BY h.seq) AS left_at
    FROM history h
    JOIN scope s ON s.contact_id = h.contact_id AND s.journey = h.journey AND s.entry = h.entry
    WHERE h.kind IN ('stage', 'exited') OR h.first_stage IS NOT NULL
), visits AS (
    SELECT journey, version, detail AS stage, contact_id, entry, at,
           CAST(round((julianday(left_at) - julianday(at)) * 86400000.0) AS INTEGER) / 1000.0 AS secs
    FROM marks
    WHERE kind = 'stage'
), ranked AS (
    SELECT journey, version, stage, secs,
           row_number() OVER (PARTITION BY journey, version, stage ORDER BY secs) - 1 AS i,
           count(*) OVER (PARTITION BY journey, version, stage) AS n
    FROM visits
    WHERE secs IS NOT NULL
), pct AS (
    SELECT journey, version, stage, n AS visits,
           sum(CASE WHEN i = CAST(0.5 * (n - 1) AS INTEGER) THEN secs * (1 - (0.5 * (n - 1) - CAST(0.5 * (n - 1) AS INTEGER)))
                    WHEN i = CAST(0.5 * (n - 1) AS INTEGER) + 1 THEN secs * (0.5 * (n - 1) - CAST(0.5 * (n - 1) AS INTEGER))
                    ELSE 0 END) AS p50,
           sum(CASE WHEN i = CAST(0.9 * (n - 1) AS INTEGER) THEN secs * (1 - (0.9 * (n - 1) - CAST(0.9 * (n - 1) AS INTEGER)))
                    WHEN i = CAST(0.9 * (n - 1) AS INTEGER) + 1 THEN secs * (0.9 * (n - 1) - CAST(0.9 * (n - 1) AS INTEGER))
                    ELSE 0 END) AS p90
    FROM ranked
    GROUP BY journey, version, stage, n
), entered AS (
    SELECT journey, version, stage, min(at) AS first_at, count(DISTINCT contact_id || ' ' || entry) AS entered
    FROM visits
    GROUP BY journey, version, stage
), positions AS (
    SELECT s.journey, s.version, s.stage,
           count(*) FILTER (WHERE s.status = 'active') AS current,
           count(*) FILTER (WHERE s.status = 'converted') AS converted,
           count(*) FILTER (WHERE s.status = 'active' AND w.wake_at IS NULL
                              AND (julianday(:now) - julianday(s.stage_at)) * 86400.0 > coalesce(t.p90, :stall)) AS stalled
    FROM scope s
    LEFT JOIN wakeups w ON w.contact_id = s.contact_id
    LEFT JOIN pct t ON t.journey = s.journey AND t.version = s.version AND t.stage = s.stage
    GROUP BY s.journey, s.version, s.stage
)
SELECT e.journey, e.version, e.stage, e.first_at, e.entered,
       coalesce(p.current, 0) AS current, coalesce(p.converted, 0) AS converted,
       coalesce(p.stalled, 0) AS stalled, coalesce(t.visits, 0) AS visits,
       coalesce(t.p50, 0) AS p50, coalesce(t.p90, 0) AS p90
FROM entered e
LEFT JOIN pct t ON t.journey = e.journey AND t.version = e.version AND t.stage = e.stage
LEFT JOIN positions p ON p.journey = e.journey AND p.version = e.version AND p.stage = e.stage;
