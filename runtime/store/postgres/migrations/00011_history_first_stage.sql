-- +goose Up
-- An enrollment's first records as one row (store.HistoryRow): a row
-- whose first_stage is set stands for the enrollment's enrolled record,
-- the record of the stage it entered (named here), and then the row's
-- own record (unless its kind is enrolled: then for the first two alone),
-- all at the row's time. A run that enrolls a contact and sends at once
-- writes one row where it wrote three. Such a row marks a stage for the
-- reports, which read its stage and exit records through history_visits:
-- the index takes these rows too.
ALTER TABLE history ADD COLUMN first_stage text;
DROP INDEX history_visits;
CREATE INDEX history_visits ON history (journey, contact_id, entry, seq)
    WHERE kind IN ('stage', 'exited') OR first_stage IS NOT NULL;

-- +goose Down
-- A packed row cannot be split back into rows numbered in order: going
-- down is refused while the history holds one.
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM history WHERE first_stage IS NOT NULL) THEN
        RAISE EXCEPTION 'the history holds packed rows (first_stage): they would lose their first records';
    END IF;
END
$$;
-- +goose StatementEnd
DROP INDEX history_visits;
CREATE INDEX history_visits ON history (journey, contact_id, entry, seq) WHERE kind IN ('stage', 'exited');
ALTER TABLE history DROP COLUMN first_stage;
