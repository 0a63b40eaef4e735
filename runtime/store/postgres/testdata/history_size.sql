-- BenchmarkPostgresThroughput: the history's size on disk (its heap and
-- indexes) and its rows, at the end of the run.
SELECT pg_total_relation_size('history'), count(*) FROM history;
