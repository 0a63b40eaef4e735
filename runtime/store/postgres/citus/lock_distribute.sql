-- Serializes the distribution of one schema's store: runners opening it
-- at once distribute it once (the key is the schema's name).
SELECT pg_advisory_xact_lock(hashtext('journey distribute ' || current_schema()));
