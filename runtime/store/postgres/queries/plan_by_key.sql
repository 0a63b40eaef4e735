-- Plans the rest of a transaction of the claim or the commit of a batch
-- as what its statements are: lookups of a batch's contacts by key, a
-- probe of an index for each. Without this, a table with no statistics
-- yet (just loaded, not yet analysed) or a few tens of thousands of rows
-- is read whole, hashed or sorted, in every batch. Plain Postgres only:
-- on Citus each shard plans its own part.
SET LOCAL enable_seqscan = off;
SET LOCAL enable_hashjoin = off;
SET LOCAL enable_mergejoin = off;
