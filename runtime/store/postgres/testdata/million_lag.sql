-- The million-contact benchmark's fire lag, due to committed: every
-- contact was due from $1, when the load had committed and the workers
-- started, and committed when its state was written (updated_at: the
-- start of its batch's transaction, a few milliseconds before the
-- commit). The 50th and 99th percentiles, in seconds.
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lag) AS p50,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY lag) AS p99
FROM (SELECT extract(epoch FROM updated_at - $1::timestamptz) AS lag FROM contacts WHERE rev > 0) AS l;
