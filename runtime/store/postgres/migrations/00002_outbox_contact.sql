-- +goose Up
-- Listing a contact's actions (the API, tests) without scanning the outbox.
CREATE INDEX outbox_contact ON outbox (contact_id, seq);

-- +goose Down
DROP INDEX outbox_contact;
