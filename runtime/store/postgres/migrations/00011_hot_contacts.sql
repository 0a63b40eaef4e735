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

-- +goose Down
ALTER TABLE contacts RESET (fillfactor);
