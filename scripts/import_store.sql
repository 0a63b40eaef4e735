-- The schema scripts/bench's journey import fills, made afresh for each
-- round (journey run then makes the store in it).
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS journey_import CASCADE;
CREATE SCHEMA journey_import;
