#pragma once
// The source URL of `gatehouse import fastapi-template`: which spellings are a PostgreSQL
// database, and the URL as messages show it, its password masked (it is never printed).
#include <string>

namespace gatehouse::app {

// postgresql:// or postgres:// (also with SQLAlchemy's "+driver", as the template's own
// settings write it), or a libpq key=value string ("host=... dbname=...").
bool is_postgres_source(const std::string& url);

// The URL with its password replaced by "****": in the userinfo of a URL, and as the value of
// password= in a key=value string or a URL's query.
std::string masked_source_url(const std::string& url);

}  // namespace gatehouse::app
