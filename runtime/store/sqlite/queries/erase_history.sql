-- Erasure: the contact's history stays, for the counts of reports, under
-- the erasure's pseudonym.
UPDATE history SET contact_id = :pseudonym WHERE contact_id = :id;
