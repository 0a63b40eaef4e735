-- Drops the inputs a run consumed.
DELETE FROM inputs
WHERE contact_id = :contact_id AND seq <= :consumed;
