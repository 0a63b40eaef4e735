-- Vacuums and analyses the table event_ids (run outside a transaction).
VACUUM (ANALYZE) event_ids;
