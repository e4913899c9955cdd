#include "crypto/jwt_json.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <limits>
#include <optional>
#include <string>

#include "crypto/random.hpp"

namespace gatehouse::crypto::jwt_json {

namespace json = boost::json;

namespace {

Error invalid() { return Error::token_invalid("That token is Invalid"); }
Error expired() { return Error::of(ErrorCode::kTokenExpired, "That token has Expired"); }

std::optional<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

// The member `name` when it is a JSON string.
std::optional<std::string_view> string_member(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  const auto& s = v->get_string();
  return std::string_view(s.data(), s.size());
}

// The member `name` when it is a JSON integer that fits in 64 signed bits (floats such as
// 1.0 or 1e9 are not integers).
std::optional<std::int64_t> integer_member(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= std::numeric_limits<std::int64_t>::max()) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  return std::nullopt;
}

}  // namespace

bool header_has_alg(std::string_view header, std::string_view algorithm) {
  const auto o = parse_object(header);
  if (!o) return false;
  const auto alg = string_member(*o, "alg");
  return alg && *alg == algorithm;
}

std::optional<std::string> header_string(std::string_view header, std::string_view name) {
  const auto o = parse_object(header);
  if (!o) return std::nullopt;
  const auto value = string_member(*o, name);
  if (!value) return std::nullopt;
  return std::string(*value);
}

Result<Claims> claims_from_payload(std::string_view payload, TokenType expected, std::int64_t now,
                                   std::string_view issuer) {
  const auto o = parse_object(payload);
  if (!o) return invalid();
  // Seed #12: every required claim is checked for presence and type; none may crash.
  const auto exp = integer_member(*o, "exp");
  const auto iat = integer_member(*o, "iat");
  const auto sub = string_member(*o, "sub");  // an integer sub is invalid (docs/http-api.md §2)
  const auto typ = string_member(*o, "typ");
  const auto jti = string_member(*o, "jti");
  if (!exp || !iat || !sub || sub->empty() || !typ || !jti || jti->empty()) return invalid();
  if (*exp <= now) return expired();

  const auto iss = string_member(*o, "iss");
  if (!iss || *iss != issuer) return invalid();
  // Seed #7: the type is compared in constant time.
  if (!constant_time_equal(*typ, token_type_name(expected))) return invalid();

  const auto sid = string_member(*o, "sid");
  const bool needs_sid = expected == TokenType::kAccess || expected == TokenType::kRefresh;
  if (sid ? sid->empty() : (needs_sid || o->contains("sid"))) return invalid();

  Claims claims;
  claims.sub = std::string(*sub);
  claims.typ = expected;
  claims.jti = std::string(*jti);
  claims.iat = *iat;
  claims.exp = *exp;
  claims.iss = std::string(*iss);
  if (sid) claims.sid = std::string(*sid);
  return claims;
}

}  // namespace gatehouse::crypto::jwt_json
