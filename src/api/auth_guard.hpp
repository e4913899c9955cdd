#pragma once
// Authentication of a request (docs/http-api.md §2): Bearer access token or X-API-Key. A credential
// that is present and invalid is a 401 even when the other one is valid; neither is the
// "Not authenticated" 401 with a Bearer challenge. Roles and scopes are checked after
// authentication, by api/access.hpp.
#include "api/context.hpp"
#include "core/result.hpp"
#include "http/request.hpp"
#include "services/principal.hpp"

namespace gatehouse::api {

Result<services::Principal> authenticate(const ApiContext& ctx, const http::Request& req);

}  // namespace gatehouse::api
