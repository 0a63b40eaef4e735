-- Erasure: each active enrollment of the contact ends, recorded as an
-- exit "erased" under the pseudonym (run before erase_enrollments).
INSERT INTO history (contact_id, journey, entry, kind, step, detail, at)
SELECT :pseudonym, journey, entry, 'exited', NULL, 'erased', :at
FROM enrollments
WHERE contact_id = :id AND status = 'active'
ORDER BY journey, entry;
