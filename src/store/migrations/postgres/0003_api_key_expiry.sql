-- API keys may expire (docs/http-api.md §2, §7): NULL means never. A nullable column
-- with no default, so the ALTER rewrites nothing.

ALTER TABLE api_keys ADD COLUMN expires_at TIMESTAMPTZ;
