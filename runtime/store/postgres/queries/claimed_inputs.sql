-- The pending inputs of claimed contacts, in order of arrival: the first $2
-- of each contact, the rest left for its next run.
-- $1 contact ids, $2 the most inputs of one contact.
SELECT i.seq, i.contact_id, i.kind, coalesce(i.event_id, '') AS event_id, coalesce(i.name, '') AS name,
       i.payload, i.attrs, i.at
FROM unnest($1::text[]) AS c (id)
CROSS JOIN LATERAL (
    SELECT *
    FROM inputs
    WHERE inputs.contact_id = c.id
    ORDER BY seq
    LIMIT $2
) AS i
ORDER BY i.seq;
