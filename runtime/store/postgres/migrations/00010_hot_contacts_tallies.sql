-- +goose Up
-- A run rewrites its contact's row (state, rev, updated_at), none of them
-- indexed: with room left on the page the update is HOT, the new version
-- of the row beside the old one, and the primary key is not touched. A
-- batch updates rows that share pages in one transaction, before any old
-- version can be pruned, so new pages keep half their room free: every
-- row of a page can be rewritten once in place (a state of about 500
-- bytes; TestContactsUpdatedInPlace counts them). Pages already full gain
-- room as vacuum frees them; VACUUM FULL or pg_repack rewrite them at
-- once. The price is a contacts table about twice the size.
ALTER TABLE contacts SET (fillfactor = 50);

-- The figures of Store.Stats as last counted by the chores leader
-- (Store.Tally): the gauges and the API read this small table instead of
-- counting every enrollment on each read. One row per figure: what
-- ("active" with its journey and stage, "due", "outbox"), how many, the
-- earliest time among them, and when they were counted.
CREATE TABLE tallies (
    what       text NOT NULL,
    journey    text NOT NULL DEFAULT '',
    stage      text NOT NULL DEFAULT '',
    n          bigint NOT NULL,
    oldest     timestamptz,
    counted_at timestamptz NOT NULL,
    PRIMARY KEY (what, journey, stage)
);

-- +goose Down
DROP TABLE tallies;
ALTER TABLE contacts RESET (fillfactor);
