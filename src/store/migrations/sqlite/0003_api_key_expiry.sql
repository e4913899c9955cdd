-- API keys may expire (API.md §2, §4 "API keys"): NULL means never. Same text form as the
-- other timestamps (ISO-8601 UTC with microseconds and 'Z').

ALTER TABLE api_keys ADD COLUMN expires_at TEXT;
