-- Whether the store in the current schema has the functions of
-- citus/functions.sql (a store distributed before they were added has
-- not): the last one the file makes.
SELECT to_regprocedure('journey_upsert_enrollments(integer, text[], text[], integer[], text[], text[], text[], '
                       'timestamptz[], timestamptz[], timestamptz[], text[])') IS NOT NULL;
