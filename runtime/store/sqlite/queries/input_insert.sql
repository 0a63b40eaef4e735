-- Queues an event or an update for a contact; seq orders arrivals.
INSERT INTO inputs (contact_id, kind, event_id, name, payload, attrs, at)
VALUES (:contact_id, :kind, :event_id, :name, :payload, :attrs, :at);
