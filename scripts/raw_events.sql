-- The table scripts/raw_insert.sql fills, made afresh for each run of
-- scripts/bench: an input's columns, keyed by the event's id as the
-- store keys events.
SET client_min_messages = warning;
DROP TABLE IF EXISTS raw_events;
CREATE TABLE raw_events (
    event_id   text PRIMARY KEY,
    contact_id text NOT NULL,
    name       text NOT NULL,
    payload    jsonb,
    at         timestamptz NOT NULL
);
