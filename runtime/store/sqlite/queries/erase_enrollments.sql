-- Erasure: the contact's enrollments stay, for the counts of reports,
-- under the pseudonym; an active one is exited "erased" at :at.
UPDATE enrollments
SET contact_id = :pseudonym,
    status = CASE WHEN status = 'active' THEN 'exited' ELSE status END,
    reason = CASE WHEN status = 'active' THEN 'erased' ELSE reason END,
    exited_at = CASE WHEN status = 'active' THEN :at ELSE exited_at END
WHERE contact_id = :id;
