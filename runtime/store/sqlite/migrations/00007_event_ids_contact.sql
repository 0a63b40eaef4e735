-- +goose Up
-- Erasure finds a contact's event identities by the contact.
CREATE INDEX event_ids_contact ON event_ids (contact_id);

-- +goose Down
DROP INDEX event_ids_contact;
