-- Appends a line to a contact's history.
INSERT INTO history (contact_id, journey, entry, kind, step, detail, at)
VALUES (:contact_id, :journey, :entry, :kind, :step, :detail, :at);
