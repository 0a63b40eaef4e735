-- Takes or renews the lead of chore $1 for holder $2 at $3, until $4: the
-- row is taken when there is none, when it expired at or before $3, or
-- when $2 holds it already. A row comes back only when $2 leads.
INSERT INTO leaders (name, holder, expires_at)
VALUES ($1, $2, $4)
ON CONFLICT (name) DO UPDATE
SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
WHERE leaders.expires_at <= $3 OR leaders.holder = EXCLUDED.holder
RETURNING holder;
