-- queries/insert_history.sql on Citus: each record carries its contact's
-- bucket. $1..$7 as there.
INSERT INTO history (bucket, contact_id, journey, entry, kind, step, detail, at)
SELECT journey_bucket(r.contact_id), r.contact_id, r.journey, r.entry, r.kind, NULLIF(r.step, ''),
       NULLIF(r.detail, ''), r.at
FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
    WITH ORDINALITY AS r (contact_id, journey, entry, kind, step, detail, at, n)
ORDER BY r.n;
