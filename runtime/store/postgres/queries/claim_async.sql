-- Lets the claim's transaction commit without waiting for its WAL to
-- reach the disk. A lease carries no effect: the batch's own commit,
-- durable, flushes the WAL up to and past the claim's record, and should
-- Postgres crash before that, the lease is lost with nothing written
-- under it (Complete then finds the lease gone and commits nothing).
SET LOCAL synchronous_commit = off;
