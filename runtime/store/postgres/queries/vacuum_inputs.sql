-- Vacuums and analyses the table inputs (run outside a transaction).
VACUUM (ANALYZE) inputs;
