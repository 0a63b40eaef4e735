-- Deletes up to :limit history records from before :before, oldest
-- first, found through the index history_at.
DELETE FROM history
WHERE seq IN (
    SELECT seq
    FROM history
    WHERE at < :before
    ORDER BY at
    LIMIT :limit
);
