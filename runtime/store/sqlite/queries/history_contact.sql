-- One contact's history rows, in order: a row with a first stage stands
-- for more than one record (store.UnpackHistory).
SELECT contact_id, journey, entry, kind, step, detail, at, first_stage
FROM history
WHERE contact_id = :contact_id
ORDER BY seq;
