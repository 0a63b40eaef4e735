-- +goose Up
-- The claim (queries/claim.sql) takes the due wake-ups in the order
-- (wake_at, contact_id): an index in that order serves it a batch at a
-- time, where one on wake_at alone sorted every contact tied at the
-- earliest instant (a bulk import, a window opening) on each claim. The
-- poll (queries/next_wake.sql) and the gauges read it too. It replaces
-- the index on wake_at alone: the table keeps three indexes at most.
CREATE INDEX wakeups_claim ON wakeups (wake_at, contact_id) WHERE wake_at IS NOT NULL;
DROP INDEX wakeups_due;

-- The outbox lease (queries/lease_outbox.sql) takes the expired leases in
-- the order (lease_until, seq): a dispatcher's whole batch shares one
-- lease_until.
CREATE INDEX outbox_leased_order ON outbox (lease_until, seq) WHERE lease_owner IS NOT NULL;
DROP INDEX outbox_leased;

-- Retention (Store.Retain) deletes the outbox rows done with, sent or
-- cancelled, by the time they were sent (a cancelled row by its last
-- attempt's due time), and the history by its time.
CREATE INDEX outbox_done ON outbox (coalesce(sent_at, next_attempt_at)) WHERE status IN ('sent', 'cancelled');
CREATE INDEX history_at ON history (at);

-- The other queue tables get autovacuum's tighter thresholds, as wakeups
-- has had since 00001: inputs are written and deleted, and each outbox
-- row is updated as it is leased and marked, so both fill with dead rows
-- as fast as they work.
ALTER TABLE inputs SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE outbox SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);

-- +goose Down
ALTER TABLE outbox RESET (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor);
ALTER TABLE inputs RESET (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor);
DROP INDEX history_at;
DROP INDEX outbox_done;
CREATE INDEX outbox_leased ON outbox (lease_until) WHERE lease_owner IS NOT NULL;
DROP INDEX outbox_leased_order;
CREATE INDEX wakeups_due ON wakeups (wake_at) WHERE wake_at IS NOT NULL;
DROP INDEX wakeups_claim;
