-- Whether a contact is still at the revision the work was claimed at and
-- the worker still holds its lease: contact_update's test, for a run that
-- left the state as it was, which is not written again.
SELECT count(*)
FROM contacts
WHERE id = :id
  AND rev = :rev
  AND EXISTS (
    SELECT 1 FROM wakeups
    WHERE wakeups.contact_id = :id AND wakeups.lease_owner = :worker
  );
