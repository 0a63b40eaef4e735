-- queries/insert_outbox.sql on Citus: each row carries its contact's
-- bucket, and a key is unique within it. $1..$9 as there.
INSERT INTO outbox (bucket, key, contact_id, journey, version, step, kind, target, payload, due, next_attempt_at)
SELECT journey_bucket(a.contact_id), a.key, a.contact_id, a.journey, a.version, a.step, a.kind, a.target,
       a.payload, a.due, a.due
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
            $8::jsonb[], $9::timestamptz[])
    WITH ORDINALITY AS a (key, contact_id, journey, version, step, kind, target, payload, due, n)
ORDER BY a.n
ON CONFLICT (bucket, key) DO NOTHING;
