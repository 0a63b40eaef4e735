-- Mirrors one enrollment of a contact's state into its row.
INSERT INTO enrollments (contact_id, journey, entry, version, status, stage, stage_at, entered_at, exited_at, reason)
VALUES (:contact_id, :journey, :entry, :version, :status, :stage, :stage_at, :entered_at, :exited_at, :reason)
ON CONFLICT (contact_id, journey, entry) DO UPDATE
SET version = excluded.version,
    status = excluded.status,
    stage = excluded.stage,
    stage_at = excluded.stage_at,
    entered_at = excluded.entered_at,
    exited_at = excluded.exited_at,
    reason = excluded.reason;
