-- A report's stages: for the enrollments of journey $1 ('' for every
-- journey) that began in [$2, $3), each stage's entries, the time of the
-- visits that ended (from a stage record to the next stage or exit record
-- of the same enrollment), and the enrollments in it now. An active
-- enrollment is stalled when it has been in its stage at $4 longer than
-- the stage's p90 (or $5 seconds, when no visit has ended) and its contact
-- has no wake-up: no step, wait or hold of any journey pending.
WITH scope AS (
    SELECT contact_id, journey, entry, status, stage, stage_at
    FROM enrollments
    WHERE ($1 = '' OR journey = $1)
      AND ($2::timestamptz IS NULL OR entered_at >= $2)
      AND ($3::timestamptz IS NULL OR entered_at < $3)
), marks AS (
    SELECT h.journey, h.contact_id, h.entry, h.kind, h.detail, h.at,
           lead(h.at) OVER (PARTITION BY h.contact_id, h.journey, h.entry ORDER BY h.seq) AS left_at
    FROM history h
    JOIN scope s ON s.contact_id = h.contact_id AND s.journey = h.journey AND s.entry = h.entry
    WHERE h.kind IN ('stage', 'exited')
), visits AS (
    SELECT journey, detail AS stage, contact_id, entry, at,
           extract(epoch FROM left_at - at)::float8 AS secs
    FROM marks
    WHERE kind = 'stage'
), times AS (
    SELECT journey, stage, min(at) AS first_at,
           count(secs) AS visits,
           coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY secs), 0) AS p50,
           coalesce(percentile_cont(0.9) WITHIN GROUP (ORDER BY secs), 0) AS p90,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY secs) AS stall_after
    FROM visits
    GROUP BY journey, stage
), entered AS (
    SELECT journey, stage, count(*) AS entered
    FROM (SELECT DISTINCT journey, stage, contact_id, entry FROM visits) v
    GROUP BY journey, stage
), positions AS (
    SELECT s.journey, s.stage,
           count(*) FILTER (WHERE s.status = 'active') AS current,
           count(*) FILTER (WHERE s.status = 'converted') AS converted,
           count(*) FILTER (WHERE s.status = 'active' AND w.wake_at IS NULL
                              AND extract(epoch FROM $4::timestamptz - s.stage_at) > coalesce(t.stall_after, $5::float8)) AS stalled
    FROM scope s
    LEFT JOIN wakeups w ON w.contact_id = s.contact_id
    LEFT JOIN times t ON t.journey = s.journey AND t.stage = s.stage
    GROUP BY s.journey, s.stage
)
SELECT t.journey, t.stage, t.first_at, e.entered,
       coalesce(p.current, 0) AS current, coalesce(p.converted, 0) AS converted,
       coalesce(p.stalled, 0) AS stalled, t.visits, t.p50, t.p90
FROM times t
JOIN entered e ON e.journey = t.journey AND e.stage = t.stage
LEFT JOIN positions p ON p.journey = t.journey AND p.stage = t.stage;
