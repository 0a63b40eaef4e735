-- A report's stages, as report_stages.sql of the Postgres store: for the
-- enrollments of :journey ('' for every journey) that began in
-- [:since, :until), each stage's entries, the time of the visits that
-- ended (from a stage record to the next stage or exit record of the same
-- enrollment, in milliseconds made seconds), and the enrollments in it
-- now. SQLite has no percentile function: ranked numbers each visit in
-- its stage, and the p50 and p90 are percentile_cont's interpolation
-- between the two visits around the position p × (n − 1). An active
-- enrollment is stalled when it has been in its stage at :now longer than
-- the stage's p90 (or :stall seconds, when no visit has ended) and its
-- contact has no wake-up: no step, wait or hold of any journey pending.
WITH scope AS (
    SELECT contact_id, journey, entry, status, stage, stage_at
    FROM enrollments
    WHERE (:journey = '' OR journey = :journey)
  AND (:since IS NULL OR entered_at >= :since)
  AND (:until IS NULL OR entered_at < :until)
), marks AS (
    SELECT h.journey, h.contact_id, h.entry,
           CASE WHEN h.first_stage IS NOT NULL THEN 'stage' ELSE h.kind END AS kind,
           coalesce(h.first_stage, h.detail) AS detail, h.at,
           lead(h.at) OVER (PARTITION BY h.contact_id, h.journey, h.entry ORDER BY h.seq) AS left_at
    FROM history h
    JOIN scope s ON s.contact_id = h.contact_id AND s.journey = h.journey AND s.entry = h.entry
    WHERE h.kind IN ('stage', 'exited') OR h.first_stage IS NOT NULL
), visits AS (
    SELECT journey, detail AS stage, contact_id, entry, at,
           CAST(round((julianday(left_at) - julianday(at)) * 86400000.0) AS INTEGER) / 1000.0 AS secs
    FROM marks
    WHERE kind = 'stage'
), ranked AS (
    SELECT journey, stage, secs,
           row_number() OVER (PARTITION BY journey, stage ORDER BY secs) - 1 AS i,
           count(*) OVER (PARTITION BY journey, stage) AS n
    FROM visits
    WHERE secs IS NOT NULL
), pct AS (
    SELECT journey, stage, n AS visits,
           sum(CASE WHEN i = CAST(0.5 * (n - 1) AS INTEGER) THEN secs * (1 - (0.5 * (n - 1) - CAST(0.5 * (n - 1) AS INTEGER)))
                    WHEN i = CAST(0.5 * (n - 1) AS INTEGER) + 1 THEN secs * (0.5 * (n - 1) - CAST(0.5 * (n - 1) AS INTEGER))
                    ELSE 0 END) AS p50,
           sum(CASE WHEN i = CAST(0.9 * (n - 1) AS INTEGER) THEN secs * (1 - (0.9 * (n - 1) - CAST(0.9 * (n - 1) AS INTEGER)))
                    WHEN i = CAST(0.9 * (n - 1) AS INTEGER) + 1 THEN secs * (0.9 * (n - 1) - CAST(0.9 * (n - 1) AS INTEGER))
                    ELSE 0 END) AS p90
    FROM ranked
    GROUP BY journey, stage, n
), entered AS (
    SELECT journey, stage, min(at) AS first_at, count(DISTINCT contact_id || ' ' || entry) AS entered
    FROM visits
    GROUP BY journey, stage
), positions AS (
    SELECT s.journey, s.stage,
           count(*) FILTER (WHERE s.status = 'active') AS current,
           count(*) FILTER (WHERE s.status = 'converted') AS converted,
           count(*) FILTER (WHERE s.status = 'active' AND w.wake_at IS NULL
                              AND (julianday(:now) - julianday(s.stage_at)) * 86400.0 > coalesce(t.p90, :stall)) AS stalled
    FROM scope s
    LEFT JOIN wakeups w ON w.contact_id = s.contact_id
    LEFT JOIN pct t ON t.journey = s.journey AND t.stage = s.stage
    GROUP BY s.journey, s.stage
)
SELECT e.journey, e.stage, e.first_at, e.entered,
       coalesce(p.current, 0) AS current, coalesce(p.converted, 0) AS converted,
       coalesce(p.stalled, 0) AS stalled, coalesce(t.visits, 0) AS visits,
       coalesce(t.p50, 0) AS p50, coalesce(t.p90, 0) AS p90
FROM entered e
LEFT JOIN pct t ON t.journey = e.journey AND t.stage = e.stage
LEFT JOIN positions p ON p.journey = e.journey AND p.stage = e.stage;
