-- A contact's state. $1 contact id.
SELECT state
FROM contacts
WHERE id = $1;
