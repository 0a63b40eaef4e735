-- Vacuums and analyses the table history (run outside a transaction).
VACUUM (ANALYZE) history;
