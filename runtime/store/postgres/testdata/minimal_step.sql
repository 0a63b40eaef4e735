-- One batch of the minimal claim loop (minimal_test.go): in one statement,
-- so one durable commit, it takes up to $2 contacts due at $1 in the
-- claim's order, skipping rows another transaction holds, and writes what
-- a transition writes — the contact's state (a JSON value of the size the
-- engine writes), its next wake-up an hour on, an enrollment, an outbox
-- row and a history row — and returns how many it took. Nothing runs
-- between the claim and the writes: the loop is the floor of what the
-- schema costs.
WITH due AS (
    SELECT contact_id
    FROM wakeups
    WHERE wake_at <= $1
    ORDER BY wake_at, contact_id
    LIMIT $2
    FOR UPDATE SKIP LOCKED
), states AS (
    UPDATE contacts AS c
    SET state = c.state || jsonb_build_object('enrollments', jsonb_build_array(jsonb_build_object(
            'journey', 'crash', 'entry', 1, 'version', repeat('v', 64), 'stage', 'Only',
            'status', 'active', 'entered_at', $1::timestamptz, 'stage_at', $1::timestamptz,
            'pending', jsonb_build_array('after 1h notify sales', 'after 2h task Call')))),
        rev = c.rev + 1, updated_at = now()
    FROM due
    WHERE c.id = due.contact_id
    RETURNING c.id
), wakes AS (
    UPDATE wakeups AS w
    SET wake_at = $1::timestamptz + interval '1 hour'
    FROM due
    WHERE w.contact_id = due.contact_id
), enrolled AS (
    INSERT INTO enrollments (contact_id, journey, entry, version, status, stage, stage_at, entered_at)
    SELECT id, 'crash', 1, repeat('v', 64), 'active', 'Only', $1, $1
    FROM states
), sent AS (
    INSERT INTO outbox (key, contact_id, journey, version, step, kind, target, payload, due, next_attempt_at)
    SELECT id || '/crash/1/welcome', id, 'crash', repeat('v', 64), 'Only/0', 'send', 'welcome', '{}', $1, $1
    FROM states
), recorded AS (
    INSERT INTO history (contact_id, journey, entry, kind, step, detail, at)
    SELECT id, 'crash', 1, 'sent', 'Only/0', 'welcome', $1
    FROM states
)
SELECT count(*) FROM states;
