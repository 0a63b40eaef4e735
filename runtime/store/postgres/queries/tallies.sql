-- The tallies as last counted: one row per figure.
SELECT what, journey, stage, n, oldest, counted_at
FROM tallies;
