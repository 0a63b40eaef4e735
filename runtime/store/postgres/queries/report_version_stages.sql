-- A report's stages by version: report_stages.sql grouped by the version
-- each enrollment is under now as well, each version with its own
-- percentiles, and its active enrollments stalled past its own p90. The
-- records are always matched with their enrollments, for the version. A
-- row with a first stage marks that stage, as in report_stages.sql.
WITH marks AS (
    SELECT h.contact_id, h.journey, s.version, h.entry,
           CASE WHEN h.first_stage IS NOT NULL THEN 'stage' ELSE h.kind END AS kind,
           coalesce(h.first_stage, h.detail) AS detail, h.at,
           lead(h.at) OVER w AS left_at,
           NOT coalesce(h.first_stage, h.detail) = ANY (coalesce(array_agg(coalesce(h.first_stage, h.detail))
               FILTER (WHERE h.kind = 'stage' OR h.first_stage IS NOT NULL) OVER w, '{}')) AS is_first
    FROM history h
    JOIN enrollments s ON s.contact_id = h.contact_id AND s.journey = h.journey AND s.entry = h.entry
    WHERE ($1 = '' OR h.journey = $1) AND (h.kind IN ('stage', 'exited') OR h.first_stage IS NOT NULL)
      AND ($2::timestamptz IS NULL OR s.entered_at >= $2)
      AND ($3::timestamptz IS NULL OR s.entered_at < $3)
    WINDOW w AS (PARTITION BY h.journey, h.contact_id, h.entry ORDER BY h.seq
                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
), times AS (
    SELECT m.journey, m.version, m.detail AS stage, min(m.at) AS first_at,
           count(*) FILTER (WHERE m.is_first) AS entered,
           count(m.left_at) AS visits,
           percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY extract(epoch FROM m.left_at - m.at)::float8) AS pct
    FROM marks m
    WHERE m.kind = 'stage'
    GROUP BY m.journey, m.version, m.detail
), positions AS (
    SELECT s.journey, s.version, s.stage,
           count(*) FILTER (WHERE s.status = 'active') AS current,
           count(*) FILTER (WHERE s.status = 'converted') AS converted,
           count(*) FILTER (WHERE s.status = 'active' AND w.wake_at IS NULL
                              AND extract(epoch FROM $4::timestamptz - s.stage_at) > coalesce(t.pct[2], $5::float8)) AS stalled
    FROM enrollments s
    LEFT JOIN wakeups w ON w.contact_id = s.contact_id
    LEFT JOIN times t ON t.journey = s.journey AND t.version = s.version AND t.stage = s.stage
    WHERE ($1 = '' OR s.journey = $1)
      AND ($2::timestamptz IS NULL OR s.entered_at >= $2)
      AND ($3::timestamptz IS NULL OR s.entered_at < $3)
    GROUP BY s.journey, s.version, s.stage
)
SELECT t.journey, t.version, t.stage, t.first_at, t.entered,
       coalesce(p.current, 0) AS current, coalesce(p.converted, 0) AS converted,
       coalesce(p.stalled, 0) AS stalled, t.visits,
       coalesce(t.pct[1], 0) AS p50, coalesce(t.pct[2], 0) AS p90
FROM times t
LEFT JOIN positions p ON p.journey = t.journey AND p.version = t.version AND p.stage = t.stage;
