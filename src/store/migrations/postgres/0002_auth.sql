-- Authentication state: token cut-off, lockout, time-limited bans and TOTP on users;
-- sessions (one per sign-in, carrying the refresh-token chain), spent single-use tokens,
-- and the outbox of work done after a request (emails, webhooks).

ALTER TABLE users
    ADD COLUMN tokens_valid_after TIMESTAMPTZ,
    ADD COLUMN failed_logins INTEGER DEFAULT 0 NOT NULL,
    ADD COLUMN locked_until TIMESTAMPTZ,
    ADD COLUMN banned_until TIMESTAMPTZ,
    ADD COLUMN ban_reason VARCHAR(255),
    ADD COLUMN mfa_enabled BOOLEAN DEFAULT false NOT NULL,
    ADD COLUMN mfa_secret TEXT;

CREATE TABLE sessions (
    id UUID NOT NULL,
    user_id INTEGER NOT NULL,
    refresh_jti TEXT NOT NULL,
    created_at TIMESTAMPTZ DEFAULT now() NOT NULL,
    last_used_at TIMESTAMPTZ DEFAULT now() NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    ip TEXT DEFAULT '' NOT NULL,
    user_agent TEXT DEFAULT '' NOT NULL,
    revoked_at TIMESTAMPTZ,
    revoked_reason TEXT,
    CONSTRAINT pk_sessions PRIMARY KEY (id),
    CONSTRAINT fk_sessions_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE INDEX ix_sessions_user_id ON sessions (user_id);

CREATE TABLE used_tokens (
    jti TEXT NOT NULL,
    kind TEXT NOT NULL,
    used_at TIMESTAMPTZ DEFAULT now() NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT pk_used_tokens PRIMARY KEY (jti)
);

CREATE INDEX ix_used_tokens_expires_at ON used_tokens (expires_at);

-- given_up_at: set when delivery was abandoned; such a message is never claimed again.
CREATE TABLE outbox (
    id BIGSERIAL NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER DEFAULT 0 NOT NULL,
    created_at TIMESTAMPTZ DEFAULT now() NOT NULL,
    available_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ,
    last_error TEXT,
    given_up_at TIMESTAMPTZ,
    CONSTRAINT pk_outbox PRIMARY KEY (id)
);

-- The claim (and count_pending) query: only messages still to deliver are indexed, so the
-- index stays small however many sent ones accumulate.
CREATE INDEX ix_outbox_claim ON outbox (kind, available_at)
    WHERE sent_at IS NULL AND given_up_at IS NULL;
