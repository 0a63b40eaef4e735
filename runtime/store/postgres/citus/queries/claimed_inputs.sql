-- queries/claimed_inputs.sql on Citus, routed to the batch's shard.
-- $1 contact ids, $2 the most inputs read per contact.
SELECT i.seq, i.contact_id, i.kind, coalesce(i.event_id, '') AS event_id, coalesce(i.name, '') AS name,
       i.payload, i.attrs, i.at
FROM unnest($1::text[]) AS c (id)
CROSS JOIN LATERAL (
    SELECT *
    FROM inputs
    WHERE inputs.bucket = ANY (journey_buckets($1)) AND inputs.contact_id = c.id
    ORDER BY seq
    LIMIT $2
) AS i
ORDER BY i.seq;
