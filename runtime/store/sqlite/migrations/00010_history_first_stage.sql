-- +goose Up
-- An enrollment's first records as one row, as in the Postgres store
-- (store.HistoryRow): a row whose first_stage is set stands for the
-- enrollment's enrolled record, the record of the stage it entered (named
-- here), and then the row's own record (unless its kind is enrolled: then
-- for the first two alone), all at the row's time. Such a row marks a
-- stage for the reports, which read the stage and exit records through
-- history_visits: the index takes these rows too.
ALTER TABLE history ADD COLUMN first_stage TEXT;
DROP INDEX history_visits;
CREATE INDEX history_visits ON history (journey, contact_id, entry, seq)
    WHERE kind IN ('stage', 'exited') OR first_stage IS NOT NULL;

-- +goose Down
-- A packed row cannot be split back into rows numbered in order: going
-- down fails (a CHECK constraint) while the history holds one.
CREATE TEMP TABLE history_packed (n INTEGER CHECK (n = 0));
INSERT INTO history_packed SELECT count(*) FROM history WHERE first_stage IS NOT NULL;
DROP TABLE history_packed;
DROP INDEX history_visits;
CREATE INDEX history_visits ON history (journey, contact_id, entry, seq) WHERE kind IN ('stage', 'exited');
ALTER TABLE history DROP COLUMN first_stage;
