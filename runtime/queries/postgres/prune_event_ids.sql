-- Forgets the identities of events older than $1: a repeat of one of them
-- would no longer be recognised.
DELETE FROM event_ids WHERE at < $1;
