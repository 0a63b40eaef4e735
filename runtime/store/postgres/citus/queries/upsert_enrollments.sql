-- queries/upsert_enrollments.sql on Citus: each row carries its
-- contact's bucket, and the key begins with it. $1..$10 as there.
INSERT INTO enrollments AS e
    (bucket, contact_id, journey, entry, version, status, stage, stage_at, entered_at, exited_at, reason)
SELECT journey_bucket(u.contact_id), u.contact_id, u.journey, u.entry, u.version, u.status, u.stage,
       u.stage_at, u.entered_at, u.exited_at, NULLIF(u.reason, '')
FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::text[],
            $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::text[])
    AS u (contact_id, journey, entry, version, status, stage, stage_at, entered_at, exited_at, reason)
ON CONFLICT (bucket, contact_id, journey, entry) DO UPDATE
SET version = excluded.version,
    status = excluded.status,
    stage = excluded.stage,
    stage_at = excluded.stage_at,
    entered_at = excluded.entered_at,
    exited_at = excluded.exited_at,
    reason = excluded.reason
WHERE (e.version, e.status, e.stage, e.stage_at, e.entered_at, e.exited_at, e.reason)
    IS DISTINCT FROM
    (excluded.version, excluded.status, excluded.stage, excluded.stage_at, excluded.entered_at,
     excluded.exited_at, excluded.reason);
