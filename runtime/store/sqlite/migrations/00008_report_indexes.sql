-- +goose Up
-- The reports (queries/report_*.sql), the same indexes as the Postgres
-- store's: the enrollments of a journey that began in a window; each
-- enrollment's stage and exit records, and its split arm records, in
-- order; the outbox rows of a journey due in a window.
CREATE INDEX enrollments_entered ON enrollments (journey, entered_at);
CREATE INDEX history_visits ON history (journey, contact_id, entry, seq) WHERE kind IN ('stage', 'exited');
CREATE INDEX history_arms ON history (journey, contact_id, entry, step, seq) WHERE kind = 'arm';
CREATE INDEX outbox_journey_due ON outbox (journey, due);

-- +goose Down
DROP INDEX outbox_journey_due;
DROP INDEX history_arms;
DROP INDEX history_visits;
DROP INDEX enrollments_entered;
