-- Vacuums and analyses the table enrollments (run outside a transaction).
VACUUM (ANALYZE) enrollments;
