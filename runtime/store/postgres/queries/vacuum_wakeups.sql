-- Vacuums and analyses the table wakeups (run outside a transaction).
VACUUM (ANALYZE) wakeups;
