-- Distributes a store's tables over a Citus cluster. Run on the
-- coordinator, in the store's schema, once the migrations are applied,
-- when the citus extension is there (see citus.go and docs/scale.md).
--
-- Every per-contact table gets a bucket, 0..1023, a stable hash of the
-- contact id, and is distributed by it, all co-located: one contact's
-- rows, in every table, are in one shard. Every primary key and unique
-- constraint of a distributed table must include the distribution
-- column, so each gains the bucket in front. The tables every runner
-- reads whole and few write (the versions, the deployments, the chore
-- leases) are reference tables: a copy on every node.

-- The bucket of a contact: the first 32 bits of the MD5 of its id, low
-- ten bits. MD5 is the same on every node and every PostgreSQL version,
-- which hashtext does not promise.
CREATE FUNCTION journey_bucket(contact text) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT ('x' || substr(md5(contact), 1, 8))::bit(32)::integer & 1023 $$;

-- The buckets of a batch's contacts. An immutable function of the
-- statement's parameter, it is a constant to Citus, which routes a
-- statement that names it to the one shard the batch is in. Citus sends
-- the call on to the worker, whose search_path is not the store's: the
-- function calls none of the schema's own, and computes each bucket as
-- journey_bucket does.
CREATE FUNCTION journey_buckets(contacts text[]) RETURNS integer[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT coalesce(array_agg(DISTINCT ('x' || substr(md5(c), 1, 8))::bit(32)::integer & 1023), '{}')
    FROM unnest(contacts) AS c
$$;

-- Each table's bucket is computed from its contact as the column is
-- added, and then kept as a plain column (Citus distributes by no
-- generated column): the store writes it with every row.
ALTER TABLE contacts
    ADD COLUMN bucket integer NOT NULL GENERATED ALWAYS AS (journey_bucket(id)) STORED,
    DROP CONSTRAINT contacts_pkey, ADD PRIMARY KEY (bucket, id);
ALTER TABLE wakeups
    ADD COLUMN bucket integer NOT NULL GENERATED ALWAYS AS (journey_bucket(contact_id)) STORED,
    DROP CONSTRAINT wakeups_pkey, ADD PRIMARY KEY (bucket, contact_id);
ALTER TABLE inputs
    ADD COLUMN bucket integer NOT NULL GENERATED ALWAYS AS (journey_bucket(contact_id)) STORED,
    DROP CONSTRAINT inputs_pkey, ADD PRIMARY KEY (bucket, seq);
-- An event's identity is unique within its contact's bucket here, where
-- plain Postgres keeps it unique over all contacts: a uniqueness across
-- shards would take every intake through a second shard. Within the
-- bucket, not the contact: an erased contact's identities, kept under
-- its pseudonym in its bucket, still make a repeat of its events one.
ALTER TABLE event_ids
    ADD COLUMN bucket integer NOT NULL GENERATED ALWAYS AS (journey_bucket(contact_id)) STORED,
    DROP CONSTRAINT event_ids_pkey, ADD PRIMARY KEY (bucket, id);
ALTER TABLE enrollments
    ADD COLUMN bucket integer NOT NULL GENERATED ALWAYS AS (journey_bucket(contact_id)) STORED,
    DROP CONSTRAINT enrollments_pkey, ADD PRIMARY KEY (bucket, contact_id, journey, entry);
-- An idempotency key names its contact (runtime.IdempotencyKey), so a
-- key unique within its bucket is unique.
ALTER TABLE outbox
    ADD COLUMN bucket integer NOT NULL GENERATED ALWAYS AS (journey_bucket(contact_id)) STORED,
    DROP CONSTRAINT outbox_pkey, DROP CONSTRAINT outbox_key_key,
    ADD PRIMARY KEY (bucket, seq), ADD UNIQUE (bucket, key);
ALTER TABLE history
    ADD COLUMN bucket integer NOT NULL GENERATED ALWAYS AS (journey_bucket(contact_id)) STORED,
    DROP CONSTRAINT history_pkey, ADD PRIMARY KEY (bucket, seq);
ALTER TABLE contacts ALTER COLUMN bucket DROP EXPRESSION;
ALTER TABLE wakeups ALTER COLUMN bucket DROP EXPRESSION;
ALTER TABLE inputs ALTER COLUMN bucket DROP EXPRESSION;
ALTER TABLE event_ids ALTER COLUMN bucket DROP EXPRESSION;
ALTER TABLE enrollments ALTER COLUMN bucket DROP EXPRESSION;
ALTER TABLE outbox ALTER COLUMN bucket DROP EXPRESSION;
ALTER TABLE history ALTER COLUMN bucket DROP EXPRESSION;

-- The claim takes a bucket's due wake-ups in the order (wake_at,
-- contact_id); this index replaces wakeups_claim, which served the
-- claim over all contacts. The table keeps two indexes.
CREATE INDEX wakeups_bucket_claim ON wakeups (bucket, wake_at, contact_id) WHERE wake_at IS NOT NULL;
DROP INDEX wakeups_claim;

SELECT create_distributed_table('contacts', 'bucket');
SELECT create_distributed_table('wakeups', 'bucket', colocate_with => 'contacts');
SELECT create_distributed_table('inputs', 'bucket', colocate_with => 'contacts');
SELECT create_distributed_table('event_ids', 'bucket', colocate_with => 'contacts');
SELECT create_distributed_table('enrollments', 'bucket', colocate_with => 'contacts');
SELECT create_distributed_table('outbox', 'bucket', colocate_with => 'contacts');
SELECT create_distributed_table('history', 'bucket', colocate_with => 'contacts');

SELECT create_reference_table('journey_versions');
SELECT create_reference_table('deployments');
SELECT create_reference_table('leaders');

-- The rows copied into the shards stay on the coordinator's disk, out of
-- sight, until truncated.
SELECT truncate_local_data_after_distributing_table(t)
FROM unnest(ARRAY['contacts', 'wakeups', 'inputs', 'event_ids', 'enrollments', 'outbox', 'history',
                  'journey_versions', 'deployments', 'leaders']) AS t;
