-- Whether the store in the current schema is distributed: its contacts
-- table is in Citus's metadata.
SELECT EXISTS (
    SELECT 1
    FROM pg_dist_partition
    WHERE logicalrelid = to_regclass('contacts')
);
