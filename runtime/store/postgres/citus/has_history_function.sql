-- Whether the store in the current schema has journey_insert_history
-- with its rows' first stages (citus/history_function.sql): a store
-- distributed before rows had them has not.
SELECT to_regprocedure('journey_insert_history(integer, text[], text[], integer[], text[], text[], text[], '
                       'timestamptz[], text[])') IS NOT NULL;
