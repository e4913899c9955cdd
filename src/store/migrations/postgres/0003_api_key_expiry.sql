-- API keys may expire (API.md §2, §4 "API keys"): NULL means never. A nullable column
-- with no default, so the ALTER rewrites nothing.

ALTER TABLE api_keys ADD COLUMN expires_at TIMESTAMPTZ;
