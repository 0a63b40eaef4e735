-- A runner that stops gives up its lease: the others take its shards
-- at their next renewal. $1 the runner's name.
DELETE FROM runner_leases WHERE name = $1;
