-- TestCitusHistoryFunctionUpgrade: journey_insert_history as a store
-- distributed before the history's rows had a first stage has it, in
-- place of the one citus/history_function.sql makes.
SELECT set_config('search_path', current_schema(), true);

DROP FUNCTION journey_insert_history(integer, text[], text[], integer[], text[], text[], text[], timestamptz[],
                                     text[]);

CREATE FUNCTION journey_insert_history(of_bucket integer, contacts text[], journeys text[], entries integer[],
                                       kinds text[], steps text[], details text[], ats timestamptz[])
RETURNS boolean
LANGUAGE plpgsql SET search_path FROM CURRENT
AS $$
BEGIN
    INSERT INTO history (bucket, contact_id, journey, entry, kind, step, detail, at, written_at)
    SELECT journey_bucket(r.contact_id), r.contact_id, r.journey, r.entry, r.kind, NULLIF(r.step, ''),
           NULLIF(r.detail, ''), r.at, clock_timestamp()
    FROM unnest(contacts, journeys, entries, kinds, steps, details, ats)
        WITH ORDINALITY AS r (contact_id, journey, entry, kind, step, detail, at, n)
    ORDER BY r.n;
    RETURN FOUND;
END
$$;
SELECT create_distributed_function(
    'journey_insert_history(integer, text[], text[], integer[], text[], text[], text[], timestamptz[])',
    distribution_arg_name := 'of_bucket', colocate_with := 'contacts', force_delegation := true);
