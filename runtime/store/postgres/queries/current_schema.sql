-- The schema the connection's search_path resolves to; NULL when it names
-- none that exists.
SELECT current_schema();
