#include "crypto/jwt_claims.hpp"

#include <charconv>
#include <cstdlib>
#include <memory>
#include <string_view>

namespace gatehouse::crypto::jwt_claims {

namespace {

struct CharFree {
  void operator()(char* p) const { std::free(p); }
};

// Compact JSON text of one claim (jansson's json_dumps, malloc'ed), empty when absent.
std::string claim_json(jwt_t* jwt, const char* name) {
  std::unique_ptr<char, CharFree> text(jwt_get_grants_json(jwt, name));
  return text ? std::string(text.get()) : std::string();
}

}  // namespace

std::optional<std::string> string_claim(jwt_t* jwt, const char* name) {
  const std::string json = claim_json(jwt, name);
  if (json.empty() || json.front() != '"') return std::nullopt;
  const char* value = jwt_get_grant(jwt, name);  // decoded string (escapes resolved)
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::optional<std::int64_t> integer_claim(jwt_t* jwt, const char* name) {
  const std::string json = claim_json(jwt, name);
  std::string_view digits = json;
  if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(json.data(), json.data() + json.size(), value);
  if (ec != std::errc() || end != json.data() + json.size()) return std::nullopt;
  return value;
}

bool has_claim(jwt_t* jwt, const char* name) { return !claim_json(jwt, name).empty(); }

}  // namespace gatehouse::crypto::jwt_claims
