#include <cstddef>

#include "crypto/jwt.hpp"

namespace gatehouse::crypto {

namespace {
bool is_base64url_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}
}  // namespace

bool is_jwt_shaped(std::string_view token) {
  if (token.empty() || token.size() > kMaxJwtBytes) return false;
  int dots = 0;
  std::size_t part_length = 0;
  for (char c : token) {
    if (c == '.') {
      if (part_length == 0) return false;  // ".a.b" and "a..b"
      ++dots;
      part_length = 0;
    } else if (is_base64url_char(c)) {
      ++part_length;
    } else {
      return false;
    }
  }
  return dots == 2 && part_length > 0;  // "a.b." has an empty last part
}

std::string_view token_type_name(TokenType type) {
  switch (type) {
    case TokenType::kAccess:
      return "access";
    case TokenType::kRefresh:
      return "refresh";
    case TokenType::kVerify:
      return "verify";
    case TokenType::kReset:
      return "reset";
    case TokenType::kMfa:
      return "mfa";
  }
  return "";
}

}  // namespace gatehouse::crypto
