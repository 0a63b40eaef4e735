-- A report's exits: the enrollments of journey $1 ('' for every journey)
-- that began in [$2, $3) and exited other than through a goal, by the
-- stage they exited from and the reason.
SELECT journey, stage, coalesce(reason, '') AS reason, count(*) AS contacts
FROM enrollments
WHERE ($1 = '' OR journey = $1)
  AND ($2::timestamptz IS NULL OR entered_at >= $2)
  AND ($3::timestamptz IS NULL OR entered_at < $3)
  AND status = 'exited'
GROUP BY journey, stage, coalesce(reason, '');
