-- Statistics for the drain benchmark's queue, as autovacuum would take
-- them after a bulk load.
ANALYZE contacts;
ANALYZE wakeups;
