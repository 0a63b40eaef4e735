-- Forgets the identities of events received before :before, unless
-- stamped at or after it: a repeat of one of them would no longer be
-- recognised. The index event_ids_received_at finds them.
DELETE FROM event_ids WHERE received_at < :before AND at < :before;
