-- Creates a contact with its first state, unless it exists.
INSERT INTO contacts (id, state)
VALUES (:id, :state)
ON CONFLICT (id) DO NOTHING;
