-- Takes the tallies for a new count: one count at a time; readers go on
-- reading the last one until it commits.
LOCK TABLE tallies IN EXCLUSIVE MODE;
