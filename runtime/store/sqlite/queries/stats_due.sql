-- The contacts due at :now, leased or not, and the earliest of their
-- wake-ups (NULL when none is due). Times are text in time order.
SELECT count(*) AS due, min(wake_at) AS oldest
FROM wakeups
WHERE wake_at <= :now;
