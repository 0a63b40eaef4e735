-- Erasure: the contact's pending inputs (events, updates) go with it.
DELETE FROM inputs WHERE contact_id = $1;
