-- Adds actions to the outbox in the order given, each key once: a key
-- already there (a run committed twice) is skipped. Each is due for
-- delivery at its own time.
INSERT INTO outbox (key, contact_id, journey, version, step, kind, target, payload, due, next_attempt_at)
SELECT a.key, a.contact_id, a.journey, a.version, a.step, a.kind, a.target, a.payload, a.due, a.due
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
            $8::jsonb[], $9::timestamptz[])
    WITH ORDINALITY AS a (key, contact_id, journey, version, step, kind, target, payload, due, n)
ORDER BY a.n
ON CONFLICT (key) DO NOTHING;
