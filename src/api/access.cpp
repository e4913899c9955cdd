#include "api/access.hpp"

#include <charconv>

#include "api/auth_guard.hpp"
#include "services/mfa_service.hpp"
#include "services/scopes.hpp"

namespace gatehouse::api {

std::int64_t path_user_id(const http::Request& req) {
  std::int64_t id = 0;
  if (const auto v = req.param("user_id")) std::from_chars(v->data(), v->data() + v->size(), id);
  return id;
}

std::string_view required_scope(const Access& access, const services::Principal& p,
                                std::int64_t target) {
  if (access.audience == Audience::kOwnerOrAdmin && p.user.id != target &&
      !access.other_user_scope.empty()) {
    return access.other_user_scope;
  }
  return access.scope;
}

Status check_role(const Access& access, const services::Principal& p, std::int64_t target) {
  switch (access.audience) {
    case Audience::kUser:
      return ok();
    case Audience::kOwnerOrAdmin:
      if (!p.is_admin() && p.user.id != target) return Error::forbidden();
      return ok();
    case Audience::kAdmin:
      if (!p.is_admin()) return Error::forbidden();
      return ok();
  }
  return Error::forbidden();
}

Status check_admin_second_factor(const ApiContext& ctx, const Access& access,
                                 const services::Principal& p, std::int64_t target) {
  if (!ctx.settings.auth.mfa_required_for_admins || !p.is_admin()) return ok();
  const bool as_admin = access.audience == Audience::kAdmin ||
                        (access.audience == Audience::kOwnerOrAdmin && p.user.id != target);
  if (!as_admin) return ok();
  if (p.user.mfa_enabled && !p.via_api_key()) return ok();
  // A key acts for its user but never passed a second factor itself: it is trusted for admin
  // access only if it was made after TOTP was turned on (a key made before, e.g. by someone
  // who had the password then, must not become an admin credential at the enrolment).
  if (p.user.mfa_enabled && p.api_key_created_at && p.user.mfa_enabled_at &&
      *p.api_key_created_at >= *p.user.mfa_enabled_at) {
    return ok();
  }
  return Error::of(ErrorCode::kMfaRequired, services::kMfaRequiredForAdmins);
}

Status check_access(const Access& access, const services::Principal& p, std::int64_t target,
                    bool needs_signed_in) {
  if (Status s = check_role(access, p, target); !s) return s;
  if (!p.via_api_key()) return ok();
  if (needs_signed_in) return Error::of(ErrorCode::kSignedInRequired, kSignedInRequired);
  const std::string_view scope = required_scope(access, p, target);
  if (!services::scope_allows(p.scopes, scope)) {
    return Error::of(ErrorCode::kInsufficientScope,
                     "API key lacks the required scope: " + std::string(scope));
  }
  return ok();
}

Status permit(const ApiContext& ctx, const http::Request& req, const Access& access,
              const services::Principal& p) {
  const std::int64_t target = path_user_id(req);
  // Role first: the request-dependent rule may read the body or the database, and a caller
  // without the role gets "Forbidden" whatever it sent.
  if (Status s = check_role(access, p, target); !s) return s;
  const bool needs_signed_in = access.signed_in || (p.via_api_key() && access.signed_in_if &&
                                                    access.signed_in_if(ctx, req, p));
  // docs/http-api.md §2: role → signed-in rule → second factor of admins → scope.
  if (p.via_api_key() && needs_signed_in) {
    return Error::of(ErrorCode::kSignedInRequired, kSignedInRequired);
  }
  if (Status s = check_admin_second_factor(ctx, access, p, target); !s) return s;
  return check_access(access, p, target, needs_signed_in);
}

Result<services::Principal> authorize(const ApiContext& ctx, const http::Request& req,
                                      const Access& access) {
  auto p = authenticate(ctx, req);
  if (!p) return p;
  if (Status s = permit(ctx, req, access, *p); !s) return s.error();
  return p;
}

void add_protected(http::Router& router, const ApiContext& ctx, std::string method,
                   std::string_view pattern, Access access, RouteDoc doc, ProtectedHandler handler,
                   http::RouteOptions options) {
  options.handler_checks_params = true;
  doc.access = access;
  options = with_doc(std::move(doc), std::move(options));
  router.add(
      std::move(method), pattern,
      [&ctx, access, handler = std::move(handler)](http::Request& req) -> Result<http::Response> {
        auto p = authenticate(ctx, req);
        if (!p) return p.error();
        // The caller's budget (USER_RATE_LIMIT / ADMIN_RATE_LIMIT) counts every
        // authenticated attempt, refused ones included, before any other check.
        auto budget = ctx.limits.budget(*p);
        if (!budget) return budget.error();
        // The reference's order: its admin dependency (403) runs before path parameters are
        // validated (422); ownership needs the parsed parameter, so it comes after.
        if (access.audience == Audience::kAdmin) {
          if (Status s = check_role(access, *p, 0); !s)
            return with_rate_headers(s.error(), *budget);
        }
        if (Status typed = http::check_param_types(*req.route, req.params); !typed) {
          return with_rate_headers(typed.error(), *budget);
        }
        if (Status s = permit(ctx, req, access, *p); !s) {
          return with_rate_headers(s.error(), *budget);
        }
        return with_rate_headers(handler(req, *p), *budget);
      },
      std::move(options));
}

}  // namespace gatehouse::api
