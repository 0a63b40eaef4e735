-- Vacuums and analyses the table contacts (run outside a transaction).
VACUUM (ANALYZE) contacts;
