-- Deletes up to $2 history records from before $1, oldest first, found
-- through the index history_at and deleted through the primary key.
DELETE FROM history
WHERE seq = ANY (ARRAY(
    SELECT seq
    FROM history
    WHERE at < $1
    ORDER BY at
    LIMIT $2
));
