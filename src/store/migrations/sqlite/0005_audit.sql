-- The audit log (docs/audit-and-webhooks.md) and webhook deliveries on the outbox. Types as
-- in 0001. actor_id and subject_user_id have no foreign key: events outlive deleted users.
-- Empty text means none (no target, the CLI's missing ip and request id), as in sessions.
-- AUTOINCREMENT: ids never go back, so "newest first" is "by id" even after a purge.

CREATE TABLE audit_events (
    id INTEGER NOT NULL CONSTRAINT pk_audit_events PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
    actor_id INTEGER,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL DEFAULT '',
    target_id TEXT NOT NULL DEFAULT '',
    subject_user_id INTEGER,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
    -- A JSON object (CASE: json_type() of malformed text is an error, not false).
    details TEXT NOT NULL DEFAULT '{}'
        CHECK (CASE WHEN json_valid(details) THEN json_type(details) = 'object' ELSE 0 END),
    request_id TEXT NOT NULL DEFAULT ''
);

-- Newest first, by id (unfiltered: the primary key), under each filter of GET /audit-log/;
-- the user_id filter is a UNION of a range scan of the actor and of the subject index.
CREATE INDEX ix_audit_events_action ON audit_events (action, id);
CREATE INDEX ix_audit_events_actor_id ON audit_events (actor_id, id);
CREATE INDEX ix_audit_events_subject_user_id ON audit_events (subject_user_id, id);
-- Retention (purge_before) and since/until.
CREATE INDEX ix_audit_events_at ON audit_events (at);

-- A webhook delivery's URL; NULL for other kinds. Deliveries of one endpoint go out in id
-- order: the claim looks up the endpoint's oldest pending one.
ALTER TABLE outbox ADD COLUMN endpoint TEXT;

CREATE INDEX ix_outbox_webhook_head ON outbox (endpoint, id)
    WHERE sent_at IS NULL AND given_up_at IS NULL;
