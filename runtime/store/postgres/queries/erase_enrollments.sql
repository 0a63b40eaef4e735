-- Erasure: the contact's enrollments stay, for the counts of reports,
-- under the pseudonym; an active one is exited "erased" at $3.
UPDATE enrollments
SET contact_id = $2,
    status = CASE WHEN status = 'active' THEN 'exited' ELSE status END,
    reason = CASE WHEN status = 'active' THEN 'erased' ELSE reason END,
    exited_at = CASE WHEN status = 'active' THEN $3::timestamptz ELSE exited_at END
WHERE contact_id = $1;
