#pragma once
// The declaration of who may call a protected route (api/access.hpp checks it; the OpenAPI
// document renders it): audience, API-key scope, signed-in rule.
#include <string_view>

namespace gatehouse::http {
struct Request;
}
namespace gatehouse::services {
struct Principal;
}

namespace gatehouse::api {

struct ApiContext;

inline constexpr const char* kSignedInRequired = "This action requires a signed-in user";

enum class Audience {
  kUser,          // any authenticated user
  kOwnerOrAdmin,  // the user of the path's {user_id}, or an admin (reference can_edit_user)
  kAdmin,         // admins only
};

// Decides, for one request made with an API key, whether it needs a signed-in user (e.g.
// PUT /users/{id} that changes the password or the email). Runs after the role check.
using SignedInRule = bool (*)(const ApiContext& ctx, const http::Request& req,
                              const services::Principal& p);

struct Access {
  Audience audience = Audience::kUser;
  // The scope an API key with a scope list needs (services/scopes.hpp).
  std::string_view scope;
  // kOwnerOrAdmin routes: the scope instead of `scope` when an admin acts on another user.
  std::string_view other_user_scope;
  // API keys are refused: always (`signed_in`), or when `signed_in_if` says so.
  bool signed_in = false;
  SignedInRule signed_in_if = nullptr;
};

}  // namespace gatehouse::api
