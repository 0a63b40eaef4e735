-- Vacuums and analyses the table outbox (run outside a transaction).
VACUUM (ANALYZE) outbox;
