-- Two-factor authentication (docs/http-api.md §4): recovery codes, stored as keyed hashes and
-- spent once, and the state of each mfa_token (failures so far; spent by a success or by its
-- last allowed failure). The TOTP secret itself lives in users.mfa_secret (0002), sealed;
-- users.mfa_enabled_at records when TOTP was last turned on.

ALTER TABLE users ADD COLUMN mfa_enabled_at TEXT;
-- Wrong second-factor codes since the last completed sign-in: unlike failed_logins, not reset
-- when a lockout starts, so repeated lockouts grow longer (services/auth_service.cpp).
ALTER TABLE users ADD COLUMN mfa_failures INTEGER NOT NULL DEFAULT 0 CHECK (mfa_failures >= 0);

CREATE TABLE mfa_recovery_codes (
    id INTEGER NOT NULL CONSTRAINT pk_mfa_recovery_codes PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL
        CONSTRAINT fk_mfa_recovery_codes_user_id REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
    used_at TEXT
);

CREATE INDEX ix_mfa_recovery_codes_user_id ON mfa_recovery_codes (user_id);

CREATE TABLE mfa_challenges (
    jti TEXT NOT NULL CONSTRAINT pk_mfa_challenges PRIMARY KEY,
    user_id INTEGER NOT NULL
        CONSTRAINT fk_mfa_challenges_user_id REFERENCES users (id) ON DELETE CASCADE,
    failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    spent_at TEXT,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX ix_mfa_challenges_expires_at ON mfa_challenges (expires_at);
CREATE INDEX ix_mfa_challenges_user_id ON mfa_challenges (user_id);
