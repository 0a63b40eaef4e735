-- The earliest wake-up of any contact, leased or not; NULL for none.
SELECT min(wake_at)
FROM wakeups
WHERE wake_at IS NOT NULL;
