-- Whether the database holds a store: its wakeups table.
SELECT EXISTS (
    SELECT 1
    FROM sqlite_master
    WHERE type = 'table'
      AND name = 'wakeups'
);
