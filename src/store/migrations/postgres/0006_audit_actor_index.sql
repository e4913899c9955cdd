-- The actor index leaves out events a user did to themselves (sign-ins, logouts, their own
-- edits): the subject index finds those already, and a sign-in writes one random index page
-- less. A user_id filter reads this index with the same predicate (store/audit_sql.cpp).
DROP INDEX ix_audit_events_actor_id;
CREATE INDEX ix_audit_events_actor_id ON audit_events (actor_id, id)
    WHERE actor_id IS NOT NULL AND actor_id IS DISTINCT FROM subject_user_id;
