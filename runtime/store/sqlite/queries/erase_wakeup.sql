-- Erasure: the contact's wake-up and lease go with it.
DELETE FROM wakeups WHERE contact_id = :id;
