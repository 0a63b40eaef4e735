-- Takes the deployments for the rest of the transaction, against other
-- deploys (readers are not blocked): two runners deploying the same bundle
-- at once record it once, the second seeing the first's row.
LOCK TABLE deployments IN EXCLUSIVE MODE;
