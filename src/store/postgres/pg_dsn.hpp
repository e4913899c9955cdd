#pragma once
// DATABASE_URL handling for libpq: accepting the Python template's SQLAlchemy spelling, and
// keeping the password out of every message we produce.
#include <string>
#include <vector>

namespace gatehouse::store::postgres {

// "postgresql+asyncpg://..." (SQLAlchemy's driver suffix) -> "postgresql://..."; other
// input is returned unchanged.
std::string libpq_url(const std::string& url);

// The strings that must never appear in an error or log: the password as written in the
// URL (percent-encoded), decoded, and from a key=value DSN. Empty when there is none.
std::vector<std::string> dsn_secrets(const std::string& url);

// `text` with every occurrence of each secret replaced by "***".
std::string redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace gatehouse::store::postgres
