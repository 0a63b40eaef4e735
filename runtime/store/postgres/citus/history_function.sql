-- The history's rows of a batch (queries/insert_history.sql), in the
-- order given, each with its first stage ('' for a row that is one
-- record: store.HistoryRow). Returns whether there were any. Run on the
-- coordinator after citus/functions.sql, as it is; a store distributed
-- before rows had a first stage has the function without it, which this
-- replaces.
SELECT set_config('search_path', current_schema(), true);

DROP FUNCTION IF EXISTS journey_insert_history(integer, text[], text[], integer[], text[], text[], text[],
                                               timestamptz[]);

CREATE FUNCTION journey_insert_history(of_bucket integer, contacts text[], journeys text[], entries integer[],
                                       kinds text[], steps text[], details text[], ats timestamptz[],
                                       first_stages text[])
RETURNS boolean
LANGUAGE plpgsql SET search_path FROM CURRENT
AS $$
BEGIN
    INSERT INTO history (bucket, contact_id, journey, entry, kind, step, detail, at, first_stage, written_at)
    SELECT journey_bucket(r.contact_id), r.contact_id, r.journey, r.entry, r.kind, NULLIF(r.step, ''),
           NULLIF(r.detail, ''), r.at, NULLIF(r.first_stage, ''), clock_timestamp()
    FROM unnest(contacts, journeys, entries, kinds, steps, details, ats, first_stages)
        WITH ORDINALITY AS r (contact_id, journey, entry, kind, step, detail, at, first_stage, n)
    ORDER BY r.n;
    RETURN FOUND;
END
$$;
SELECT create_distributed_function(
    'journey_insert_history(integer, text[], text[], integer[], text[], text[], text[], timestamptz[], text[])',
    distribution_arg_name := 'of_bucket', colocate_with := 'contacts', force_delegation := true);
