-- Deletes the leases expired longer than $1 seconds.
DELETE FROM runner_leases WHERE until < now() - make_interval(secs => $1);
