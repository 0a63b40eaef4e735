-- The contacts in each stage of each journey: active enrollments.
SELECT journey, stage, count(*) AS contacts
FROM enrollments
WHERE status = 'active'
GROUP BY journey, stage;
