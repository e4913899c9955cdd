-- Two-factor authentication (docs/http-api.md §4): recovery codes, stored as keyed hashes and
-- spent once, and the state of each mfa_token (failures so far; spent by a success or by its
-- last allowed failure). The TOTP secret itself lives in users.mfa_secret (0002), sealed;
-- users.mfa_enabled_at records when TOTP was last turned on.

ALTER TABLE users ADD COLUMN mfa_enabled_at TIMESTAMPTZ;
-- Wrong second-factor codes since the last completed sign-in: unlike failed_logins, not reset
-- when a lockout starts, so repeated lockouts grow longer (services/auth_service.cpp).
ALTER TABLE users ADD COLUMN mfa_failures INTEGER DEFAULT 0 NOT NULL CHECK (mfa_failures >= 0);

CREATE TABLE mfa_recovery_codes (
    id BIGSERIAL NOT NULL,
    user_id INTEGER NOT NULL,
    code_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ DEFAULT now() NOT NULL,
    used_at TIMESTAMPTZ,
    CONSTRAINT pk_mfa_recovery_codes PRIMARY KEY (id),
    CONSTRAINT fk_mfa_recovery_codes_user_id FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
);

CREATE INDEX ix_mfa_recovery_codes_user_id ON mfa_recovery_codes (user_id);

CREATE TABLE mfa_challenges (
    jti TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    failures INTEGER DEFAULT 0 NOT NULL CHECK (failures >= 0),
    spent_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT pk_mfa_challenges PRIMARY KEY (jti),
    CONSTRAINT fk_mfa_challenges_user_id FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
);

CREATE INDEX ix_mfa_challenges_expires_at ON mfa_challenges (expires_at);
CREATE INDEX ix_mfa_challenges_user_id ON mfa_challenges (user_id);
