-- +goose Up
-- The claim (queries/claim.sql) takes the due wake-ups in the order
-- (wake_at, contact_id): an index in that order serves it a batch at a
-- time, where one on wake_at alone sorted every contact tied at the
-- earliest instant (a bulk import, a window opening) on each claim. It
-- replaces the index on wake_at alone, which the poll and the gauges read
-- as a prefix of this one.
CREATE INDEX wakeups_claim ON wakeups (wake_at, contact_id) WHERE wake_at IS NOT NULL;
DROP INDEX wakeups_due;

-- The outbox lease (queries/outbox_lease_expired.sql) takes the expired
-- leases in the order (lease_until, seq): a dispatcher's whole batch
-- shares one lease_until.
CREATE INDEX outbox_leased_order ON outbox (lease_until, seq) WHERE lease_owner IS NOT NULL;
DROP INDEX outbox_leased;

-- Retention (Store.Retain) deletes the outbox rows done with, sent or
-- cancelled, by the time they were sent (a cancelled row by its last
-- attempt's due time), and the history by its time.
CREATE INDEX outbox_done ON outbox (coalesce(sent_at, next_attempt_at)) WHERE status IN ('sent', 'cancelled');
CREATE INDEX history_at ON history (at);

-- +goose Down
DROP INDEX history_at;
DROP INDEX outbox_done;
CREATE INDEX outbox_leased ON outbox (lease_until) WHERE lease_owner IS NOT NULL;
DROP INDEX outbox_leased_order;
CREATE INDEX wakeups_due ON wakeups (wake_at) WHERE wake_at IS NOT NULL;
DROP INDEX wakeups_claim;
