-- What the drain benchmark checks at the end: the contacts still due, and
-- the contacts never run.
SELECT (SELECT count(*) FROM wakeups WHERE wake_at IS NOT NULL) AS due,
       (SELECT count(*) FROM contacts WHERE rev = 0) AS unrun;
