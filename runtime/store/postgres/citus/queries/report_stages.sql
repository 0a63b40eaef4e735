-- queries/report_stages.sql on Citus: each record is matched with its
-- enrollment and its contact's wake-up in the contact's bucket as well
-- as by contact, and the window is partitioned by the bucket first, so
-- that Citus runs them in each shard; the percentiles are taken over
-- the visits the shards return.
WITH marks AS (
    -- Each stage and exit record with the time of the enrollment's next
    -- one (when the visit ended), and whether it is the enrollment's first
    -- record of that stage (none of the stage records before it has its
    -- stage). One window, partitioned by the bucket first, which Citus
    -- runs in each shard (each shard sorts its records: history_visits
    -- does not lead with the bucket). Its frame, the
    -- records before the current one, is what is_first reads; lead reads
    -- the partition whatever the frame.
    SELECT h.bucket, h.contact_id, h.journey, h.entry,
           CASE WHEN h.first_stage IS NOT NULL THEN 'stage' ELSE h.kind END AS kind,
           coalesce(h.first_stage, h.detail) AS detail, h.at,
           lead(h.at) OVER w AS left_at,
           NOT coalesce(h.first_stage, h.detail) = ANY (coalesce(array_agg(coalesce(h.first_stage, h.detail))
               FILTER (WHERE h.kind = 'stage' OR h.first_stage IS NOT NULL) OVER w, '{}')) AS is_first
    FROM history h
    WHERE ($1 = '' OR h.journey = $1) AND (h.kind IN ('stage', 'exited') OR h.first_stage IS NOT NULL)
      AND ($2::timestamptz IS NULL OR h.at >= $2) -- a record comes after its enrollment began
    WINDOW w AS (PARTITION BY h.bucket, h.journey, h.contact_id, h.entry ORDER BY h.seq
                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
), times AS (
    SELECT m.journey, m.detail AS stage, min(m.at) AS first_at,
           count(*) FILTER (WHERE m.is_first) AS entered,
           count(m.left_at) AS visits,
           percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY extract(epoch FROM m.left_at - m.at)::float8) AS pct
    FROM marks m
    WHERE m.kind = 'stage'
      AND (($2::timestamptz IS NULL AND $3::timestamptz IS NULL) OR EXISTS (
          SELECT 1 FROM enrollments s
          WHERE s.bucket = m.bucket AND s.contact_id = m.contact_id AND s.journey = m.journey AND s.entry = m.entry
            AND ($2::timestamptz IS NULL OR s.entered_at >= $2)
            AND ($3::timestamptz IS NULL OR s.entered_at < $3)))
    GROUP BY m.journey, m.detail
), positions AS (
    -- The enrollments are read here and in times' EXISTS each with its
    -- own scan, not through a shared CTE, which Postgres would write out
    -- whole before either read it.
    SELECT s.journey, s.stage,
           count(*) FILTER (WHERE s.status = 'active') AS current,
           count(*) FILTER (WHERE s.status = 'converted') AS converted,
           count(*) FILTER (WHERE s.status = 'active' AND w.wake_at IS NULL
                              AND extract(epoch FROM $4::timestamptz - s.stage_at) > coalesce(t.pct[2], $5::float8)) AS stalled
    FROM enrollments s
    LEFT JOIN wakeups w ON w.bucket = s.bucket AND w.contact_id = s.contact_id
    LEFT JOIN times t ON t.journey = s.journey AND t.stage = s.stage
    WHERE ($1 = '' OR s.journey = $1)
      AND ($2::timestamptz IS NULL OR s.entered_at >= $2)
      AND ($3::timestamptz IS NULL OR s.entered_at < $3)
    GROUP BY s.journey, s.stage
)
SELECT t.journey, t.stage, t.first_at, t.entered,
       coalesce(p.current, 0) AS current, coalesce(p.converted, 0) AS converted,
       coalesce(p.stalled, 0) AS stalled, t.visits,
       coalesce(t.pct[1], 0) AS p50, coalesce(t.pct[2], 0) AS p90
FROM times t
LEFT JOIN positions p ON p.journey = t.journey AND p.stage = t.stage;
