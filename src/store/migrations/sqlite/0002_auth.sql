-- Authentication state: token cut-off, lockout, time-limited bans and TOTP on users;
-- sessions (one per sign-in, carrying the refresh-token chain), spent single-use tokens,
-- and the outbox of work done after a request (emails, webhooks). Types as in 0001.

ALTER TABLE users ADD COLUMN tokens_valid_after TEXT;
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TEXT;
ALTER TABLE users ADD COLUMN banned_until TEXT;
ALTER TABLE users ADD COLUMN ban_reason TEXT CHECK (length(ban_reason) <= 255);
ALTER TABLE users ADD COLUMN mfa_enabled BOOLEAN NOT NULL DEFAULT 0 CHECK (mfa_enabled IN (0, 1));
ALTER TABLE users ADD COLUMN mfa_secret TEXT;

CREATE TABLE sessions (
    id TEXT NOT NULL CONSTRAINT pk_sessions PRIMARY KEY,
    user_id INTEGER NOT NULL
        CONSTRAINT fk_sessions_user_id REFERENCES users (id) ON DELETE CASCADE,
    refresh_jti TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
    last_used_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
    expires_at TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    revoked_at TEXT,
    revoked_reason TEXT
) WITHOUT ROWID;

CREATE INDEX ix_sessions_user_id ON sessions (user_id);

CREATE TABLE used_tokens (
    jti TEXT NOT NULL CONSTRAINT pk_used_tokens PRIMARY KEY,
    kind TEXT NOT NULL,
    used_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
    expires_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX ix_used_tokens_expires_at ON used_tokens (expires_at);

-- given_up_at: set when delivery was abandoned; such a message is never claimed again.
-- AUTOINCREMENT: ids never go back, so "oldest first" is "by id" even after a purge.
CREATE TABLE outbox (
    id INTEGER NOT NULL CONSTRAINT pk_outbox PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
    available_at TEXT NOT NULL,
    sent_at TEXT,
    last_error TEXT,
    given_up_at TEXT
);

-- The claim (and count_pending) query: only messages still to deliver are indexed.
CREATE INDEX ix_outbox_claim ON outbox (kind, available_at)
    WHERE sent_at IS NULL AND given_up_at IS NULL;
