-- A report's transaction: its sorts and hashes (a few hundred thousand
-- history records at a time in a large store) get the memory to run
-- without spilling to disk, for this transaction only.
SET LOCAL work_mem = '64MB';
