-- Erasure: the contact's history stays, for the counts of reports, under
-- the erasure's pseudonym.
UPDATE history SET contact_id = $2 WHERE contact_id = $1;
