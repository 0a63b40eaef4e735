-- A report's exits: the enrollments of :journey ('' for every journey)
-- that began in [:since, :until) and exited other than through a goal, by
-- the stage they exited from and the reason.
SELECT journey, stage, coalesce(reason, '') AS reason, count(*) AS contacts
FROM enrollments
WHERE (:journey = '' OR journey = :journey)
  AND (:since IS NULL OR entered_at >= :since)
  AND (:until IS NULL OR entered_at < :until)
  AND status = 'exited'
GROUP BY journey, stage, coalesce(reason, '');
