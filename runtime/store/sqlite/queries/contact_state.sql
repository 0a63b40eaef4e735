-- A contact's state and the revision it is at.
SELECT state, rev
FROM contacts
WHERE id = :id;
