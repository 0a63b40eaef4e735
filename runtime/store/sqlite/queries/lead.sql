-- Takes or renews the lead of chore :name for :holder at :now, until
-- :expires_at: the row is taken when there is none, when it expired at or
-- before :now, or when :holder holds it already. A row comes back only
-- when :holder leads.
INSERT INTO leaders (name, holder, expires_at)
VALUES (:name, :holder, :expires_at)
ON CONFLICT (name) DO UPDATE
SET holder = excluded.holder, expires_at = excluded.expires_at
WHERE leaders.expires_at <= :now OR leaders.holder = excluded.holder
RETURNING holder;
