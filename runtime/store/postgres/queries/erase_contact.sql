-- Erasure: deletes contact $1's state (attributes, events, consent,
-- positions); the caller reports a contact not found when no row goes.
DELETE FROM contacts WHERE id = $1;
