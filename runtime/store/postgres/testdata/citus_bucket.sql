-- A contact's bucket as the store's SQL computes it. $1 contact id.
SELECT journey_bucket($1);
