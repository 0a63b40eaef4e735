-- Ends a runner's lease now, as if it had stopped without a word and
-- its lease had run out. $1 the runner's name.
UPDATE runner_leases SET until = now() - interval '1 second' WHERE name = $1;
