-- Erasure: the identities of the contact's events stay, so that a repeat
-- is still ignored, under the erasure's pseudonym.
UPDATE event_ids SET contact_id = :pseudonym WHERE contact_id = :id;
