-- The audit log (docs/audit-and-webhooks.md) and webhook deliveries on the outbox.
-- actor_id and subject_user_id have no foreign key: events outlive deleted users. Empty text
-- means none (no target, the CLI's missing ip and request id), as in sessions.

CREATE TABLE audit_events (
    id BIGSERIAL NOT NULL,
    at TIMESTAMPTZ DEFAULT now() NOT NULL,
    actor_id BIGINT,
    action TEXT NOT NULL,
    target_type TEXT DEFAULT '' NOT NULL,
    target_id TEXT DEFAULT '' NOT NULL,
    subject_user_id BIGINT,
    ip TEXT DEFAULT '' NOT NULL,
    user_agent TEXT DEFAULT '' NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
    details JSONB DEFAULT '{}' NOT NULL CHECK (jsonb_typeof(details) = 'object'),
    request_id TEXT DEFAULT '' NOT NULL,
    CONSTRAINT pk_audit_events PRIMARY KEY (id)
);

-- Newest first, by id (unfiltered: the primary key), under each filter of GET /audit-log/;
-- the user_id filter is a UNION of a range scan of the actor and of the subject index.
CREATE INDEX ix_audit_events_action ON audit_events (action, id);
CREATE INDEX ix_audit_events_actor_id ON audit_events (actor_id, id);
CREATE INDEX ix_audit_events_subject_user_id ON audit_events (subject_user_id, id);
-- Retention (purge_before) and since/until.
CREATE INDEX ix_audit_events_at ON audit_events (at);

-- A webhook delivery's URL; NULL for other kinds. Deliveries of one endpoint go out in id
-- order: the claim looks up (and locks) the endpoint's oldest pending one.
ALTER TABLE outbox ADD COLUMN endpoint TEXT;

CREATE INDEX ix_outbox_webhook_head ON outbox (endpoint, id)
    WHERE sent_at IS NULL AND given_up_at IS NULL;
