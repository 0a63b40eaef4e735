-- Appends a row to a contact's history: one record, or with a first stage
-- an enrollment's first records (store.HistoryRow).
INSERT INTO history (contact_id, journey, entry, kind, step, detail, at, first_stage)
VALUES (:contact_id, :journey, :entry, :kind, :step, :detail, :at, :first_stage);
