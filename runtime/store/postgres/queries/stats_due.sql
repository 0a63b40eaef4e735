-- The contacts due at $1, leased or not, and the earliest of their
-- wake-ups (NULL when none is due).
SELECT count(*) AS due, min(wake_at) AS oldest
FROM wakeups
WHERE wake_at <= $1;
