-- Forgets the identities of events older than :before: a repeat of one of
-- them would no longer be recognised.
DELETE FROM event_ids WHERE at < :before;
