#pragma once
// The TemplateSource of a PostgreSQL database made by the Python fastapi-template's Alembic
// migrations, over one libpq connection of its own (not the configured database's pool),
// read in one REPEATABLE READ READ ONLY transaction from opening to destruction.
#include <memory>
#include <string>

#include "core/result.hpp"
#include "store/template_source.hpp"

namespace gatehouse::store::postgres {

// Connects to `url` (libpq URL or key=value string; SQLAlchemy's "postgresql+asyncpg://"
// spelling is accepted). kUnavailable with libpq's message, the password redacted, when the
// server cannot be reached or refuses the login.
Result<std::unique_ptr<TemplateSource>> open_fastapi_template_source(const std::string& url,
                                                                     int connect_timeout_seconds);

}  // namespace gatehouse::store::postgres
