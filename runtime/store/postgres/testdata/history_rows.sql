-- TestHistoryRows: the rows of the store's history table.
SELECT count(*) FROM history;
