-- The drain benchmark's queue (drain_test.go): $1 contacts, each with an
-- empty state, due by $3: all at $3 itself when $2 (a bulk import, a
-- window opening), else each at its own instant, a millisecond apart,
-- the last at $3.
WITH contacts AS (
    INSERT INTO contacts (id, state)
    SELECT 'c' || g, jsonb_build_object('id', 'c' || g, 'attrs', '{}'::jsonb)
    FROM generate_series(1, $1::integer) AS g
)
INSERT INTO wakeups (contact_id, wake_at)
SELECT 'c' || g,
       CASE WHEN $2::boolean THEN $3::timestamptz
            ELSE $3::timestamptz - ($1::integer - g) * interval '1 millisecond' END
FROM generate_series(1, $1::integer) AS g;
