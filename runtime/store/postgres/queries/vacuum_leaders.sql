-- Vacuums and analyses the table leaders (run outside a transaction).
VACUUM (ANALYZE) leaders;
