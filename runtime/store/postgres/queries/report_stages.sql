-- A report's stages: for the enrollments of journey $1 ('' for every
-- journey) that began in [$2, $3), each stage's entries, the time of the
-- visits that ended (from a stage record to the next stage or exit record
-- of the same enrollment), and the enrollments in it now. An active
-- enrollment is stalled when it has been in its stage at $4 longer than
-- the stage's p90 (or $5 seconds, when no visit has ended) and its contact
-- has no wake-up: no step, wait or hold of any journey pending.
-- Unbounded ($2 and $3 NULL), every record is in scope: the statement is
-- planned with its parameters, and the records are not matched with the
-- enrollments.
WITH scope AS (
    SELECT contact_id, journey, entry, status, stage, stage_at
    FROM enrollments
    WHERE ($1 = '' OR journey = $1)
      AND ($2::timestamptz IS NULL OR entered_at >= $2)
      AND ($3::timestamptz IS NULL OR entered_at < $3)
), marks AS (
    -- Each stage and exit record with the time of the enrollment's next
    -- one (when the visit ended), and whether it is the enrollment's first
    -- record of that stage (nth = 1). Both windows read the records in
    -- the order of the history_visits index: no sort of the history.
    SELECT h.contact_id, h.journey, h.entry, h.kind, h.detail, h.at,
           lead(h.at) OVER (PARTITION BY h.journey, h.contact_id, h.entry ORDER BY h.seq) AS left_at,
           row_number() OVER (PARTITION BY h.journey, h.contact_id, h.entry, h.kind, h.detail ORDER BY h.seq) AS nth
    FROM history h
    WHERE ($1 = '' OR h.journey = $1) AND h.kind IN ('stage', 'exited')
      AND ($2::timestamptz IS NULL OR h.at >= $2) -- a record comes after its enrollment began
), times AS (
    SELECT m.journey, m.detail AS stage, min(m.at) AS first_at,
           count(*) FILTER (WHERE m.nth = 1) AS entered,
           count(m.left_at) AS visits,
           percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY extract(epoch FROM m.left_at - m.at)::float8) AS pct
    FROM marks m
    WHERE m.kind = 'stage'
      AND (($2::timestamptz IS NULL AND $3::timestamptz IS NULL) OR EXISTS (
          SELECT 1 FROM scope s WHERE s.contact_id = m.contact_id AND s.journey = m.journey AND s.entry = m.entry))
    GROUP BY m.journey, m.detail
), positions AS (
    SELECT s.journey, s.stage,
           count(*) FILTER (WHERE s.status = 'active') AS current,
           count(*) FILTER (WHERE s.status = 'converted') AS converted,
           count(*) FILTER (WHERE s.status = 'active' AND w.wake_at IS NULL
                              AND extract(epoch FROM $4::timestamptz - s.stage_at) > coalesce(t.pct[2], $5::float8)) AS stalled
    FROM scope s
    LEFT JOIN wakeups w ON w.contact_id = s.contact_id
    LEFT JOIN times t ON t.journey = s.journey AND t.stage = s.stage
    GROUP BY s.journey, s.stage
)
SELECT t.journey, t.stage, t.first_at, t.entered,
       coalesce(p.current, 0) AS current, coalesce(p.converted, 0) AS converted,
       coalesce(p.stalled, 0) AS stalled, t.visits,
       coalesce(t.pct[1], 0) AS p50, coalesce(t.pct[2], 0) AS p90
FROM times t
LEFT JOIN positions p ON p.journey = t.journey AND p.stage = t.stage;
