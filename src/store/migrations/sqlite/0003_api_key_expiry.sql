-- API keys may expire (docs/http-api.md §2, §7): NULL means never. Same text form as the
-- other timestamps (ISO-8601 UTC with microseconds and 'Z').

ALTER TABLE api_keys ADD COLUMN expires_at TEXT;
