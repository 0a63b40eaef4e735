-- +goose Up
-- The reports (queries/report_*.sql): the enrollments of a journey that
-- began in a window; the history of an enrollment in order, found from
-- the enrollment (a merge or nested-loop join, and the window functions'
-- partitions, in index order); the outbox rows of a journey due in a
-- window.
CREATE INDEX enrollments_entered ON enrollments (journey, entered_at);
CREATE INDEX history_enrollment ON history (journey, contact_id, entry, seq);
CREATE INDEX outbox_journey_due ON outbox (journey, due);

-- +goose Down
DROP INDEX outbox_journey_due;
DROP INDEX history_enrollment;
DROP INDEX enrollments_entered;
