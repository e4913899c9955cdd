-- users and api_keys with the Python template's column names, so importing its data is a
-- copy. SQLite has no enum, VARCHAR limit, UUID, array or time zone type, so:
--   role        TEXT with a CHECK for 'user' | 'admin'
--   VARCHAR(n)  TEXT with a CHECK on length() (characters, as PostgreSQL counts)
--   UUID        TEXT, canonical lower-case
--   VARCHAR[]   TEXT holding a JSON array of strings (NULL stays NULL)
--   TIMESTAMPTZ TEXT, ISO-8601 UTC with microseconds and 'Z' (sorts chronologically)
-- AUTOINCREMENT keeps ids of deleted users from being reused, as PostgreSQL's SERIAL does.

CREATE TABLE users (
    id INTEGER NOT NULL CONSTRAINT pk_users PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL CHECK (length(email) <= 120),
    password TEXT NOT NULL CHECK (length(password) <= 255),
    first_name TEXT NOT NULL CHECK (length(first_name) <= 30),
    last_name TEXT NOT NULL CHECK (length(last_name) <= 50),
    role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    banned BOOLEAN NOT NULL CHECK (banned IN (0, 1)),
    verified BOOLEAN NOT NULL CHECK (verified IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
    last_login_at TEXT
);

CREATE UNIQUE INDEX ix_users_email ON users (email);
CREATE INDEX ix_users_role ON users (role);

CREATE TABLE api_keys (
    id TEXT NOT NULL CONSTRAINT pk_api_keys PRIMARY KEY,
    user_id INTEGER NOT NULL
        CONSTRAINT fk_api_keys_user_id REFERENCES users (id) ON DELETE CASCADE,
    key TEXT NOT NULL CHECK (length(key) <= 255),
    name TEXT NOT NULL CHECK (length(name) <= 50),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
    is_active BOOLEAN NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    scopes TEXT CHECK (scopes IS NULL OR json_type(scopes) = 'array'),
    last_used_at TEXT
) WITHOUT ROWID;

CREATE INDEX ix_api_keys_user_id ON api_keys (user_id);
CREATE UNIQUE INDEX ix_api_keys_key ON api_keys (key);
