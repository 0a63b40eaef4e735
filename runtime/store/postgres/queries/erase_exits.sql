-- Erasure: each active enrollment of the contact ends, recorded as an
-- exit "erased" under the pseudonym (run before erase_enrollments).
INSERT INTO history (contact_id, journey, entry, kind, step, detail, at)
SELECT $2::text, journey, entry, 'exited', NULL, 'erased', $3::timestamptz
FROM enrollments
WHERE contact_id = $1 AND status = 'active'
ORDER BY journey, entry;
