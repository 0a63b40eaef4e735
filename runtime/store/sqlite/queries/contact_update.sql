-- Writes a contact's new state if it is still at the revision the work
-- was claimed at and the worker still holds its lease; no row changes
-- otherwise, and the work is lost.
UPDATE contacts
SET state = :state,
    rev = rev + 1,
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE id = :id
  AND rev = :rev
  AND EXISTS (
    SELECT 1 FROM wakeups
    WHERE wakeups.contact_id = :id AND wakeups.lease_owner = :worker
  );
