#include "crypto/jwt.hpp"

#include <jwt.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <utility>

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "crypto/jwt_json.hpp"
#include "crypto/jwt_keys.hpp"
#include "crypto/random.hpp"
#include "crypto/verified_tokens.hpp"

namespace gatehouse::crypto {

namespace {

struct JwtFree {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
struct CharFree {
  void operator()(char* p) const { std::free(p); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

Error invalid() { return Error::token_invalid("That token is Invalid"); }
Error expired() { return Error::of(ErrorCode::kTokenExpired, "That token has Expired"); }

// Each codec (its keys and issuer) gets its own id, so tokens verified by one are never
// taken as verified by another.
std::uint64_t next_codec_id() {
  static std::atomic<std::uint64_t> next{1};
  return next++;
}

const unsigned char* key_bytes(const std::string& key) {
  return reinterpret_cast<const unsigned char*>(key.data());
}

bool valid_kid(std::string_view kid) {
  if (kid.empty() || kid.size() > 64) return false;
  for (char c : kid) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// libjwt checks the signature with whatever algorithm the header names, so the caller must
// still compare that algorithm with ours.
JwtPtr verify_with(const std::string& token, const std::string& key) {
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, token.c_str(), key_bytes(key), static_cast<int>(key.size())) == 0) {
    return JwtPtr(raw);
  }
  // On failure libjwt has already freed its object and left `raw` null.
  return nullptr;
}

struct AsymmetricKeys {
  std::vector<std::string> pems;
  std::vector<std::string> kids;
  std::vector<std::string> jwks;
  std::string current_kid;
};

Result<AsymmetricKeys> load_asymmetric(const JwtSettings& s) {
  // Errors say which key: the caller's label (e.g. the variable and file) when it gave one.
  const auto previous_label = [&s](std::size_t i) {
    return i < s.previous_public_key_labels.size()
               ? s.previous_public_key_labels[i]
               : "previous JWT public key " + std::to_string(i + 1);
  };
  const auto labelled = [](const std::string& label, const Error& e) {
    return Error::internal(label + ": " + e.cause);
  };
  auto signer = jwt_keys::public_of_private(s.private_key_pem, s.algorithm);
  if (!signer) return labelled(s.private_key_label, signer.error());
  if (!s.kid.empty() && !valid_kid(s.kid)) return Error::internal("malformed JWT kid");
  AsymmetricKeys out;
  out.current_kid = s.kid.empty() ? signer->kid : s.kid;
  const auto add = [&out](const jwt_keys::PublicKey& key, const std::string& kid) {
    // The same key listed twice (a previous key equal to the current one) is published once.
    for (const auto& known : out.kids) {
      if (known == kid) return;
    }
    out.pems.push_back(key.pem);
    out.kids.push_back(kid);
    out.jwks.push_back(jwt_keys::jwk_with_kid(key, kid));
  };
  add(*signer, out.current_kid);
  for (std::size_t i = 0; i < s.previous_public_keys_pem.size(); ++i) {
    auto key = jwt_keys::load_public(s.previous_public_keys_pem[i], s.algorithm);
    if (!key) return labelled(previous_label(i), key.error());
    add(*key, key->kid);
  }
  return out;
}

}  // namespace

Result<JwtCodec> JwtCodec::create(JwtSettings settings) {
  JwtCodec codec;
  codec.id_ = next_codec_id();
  const jwt_alg_t alg = jwt_str_alg(settings.algorithm.c_str());
  if (alg != JWT_ALG_HS256 && alg != JWT_ALG_ES256 && alg != JWT_ALG_RS256) {
    return Error::internal("JWT algorithm must be HS256, ES256 or RS256");
  }
  if (settings.issuer.empty()) return Error::internal("JWT issuer must not be empty");
  codec.alg_ = static_cast<int>(alg);
  if (alg == JWT_ALG_HS256) {
    // libjwt treats a zero-length key as "no key" and would accept an HMAC under the empty key.
    if (settings.secret.empty()) return Error::internal("JWT secret must not be empty");
    codec.verify_keys_.push_back(settings.secret);
    for (const auto& previous : settings.previous_secrets) {
      if (previous.empty()) return Error::internal("previous JWT secrets must not be empty");
      codec.verify_keys_.push_back(previous);
    }
    for (const auto& key : codec.verify_keys_) {
      codec.hmac_keys_.push_back(std::make_shared<const HmacSha256Key>(key));
    }
  } else {
    auto keys = load_asymmetric(settings);
    if (!keys) return keys.error();
    codec.verify_keys_ = std::move(keys->pems);
    codec.verify_kids_ = std::move(keys->kids);
    codec.jwks_ = std::move(keys->jwks);
    codec.kid_ = std::move(keys->current_kid);
  }
  codec.settings_ = std::move(settings);
  return codec;
}

Result<std::string> JwtCodec::encode(const Claims& claims) const {
  const bool needs_sid = claims.typ == TokenType::kAccess || claims.typ == TokenType::kRefresh;
  if (claims.sub.empty() || claims.jti.empty() || (needs_sid && claims.sid.empty())) {
    return Error::internal("JWT claims incomplete: sub, jti (and sid on access/refresh)");
  }
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return Error::internal("jwt_new failed");
  JwtPtr jwt(raw);
  const std::string& key = asymmetric() ? settings_.private_key_pem : settings_.secret;
  const std::string typ(token_type_name(claims.typ));
  const std::string& iss = claims.iss.empty() ? settings_.issuer : claims.iss;
  int rc = jwt_set_alg(jwt.get(), static_cast<jwt_alg_t>(alg_), key_bytes(key),
                       static_cast<int>(key.size()));
  if (rc == 0 && asymmetric()) rc = jwt_add_header(jwt.get(), "kid", kid_.c_str());
  if (rc == 0) rc = jwt_add_grant(jwt.get(), "sub", claims.sub.c_str());
  if (rc == 0) rc = jwt_add_grant(jwt.get(), "typ", typ.c_str());
  if (rc == 0) rc = jwt_add_grant(jwt.get(), "jti", claims.jti.c_str());
  if (rc == 0) rc = jwt_add_grant(jwt.get(), "iss", iss.c_str());
  if (rc == 0) rc = jwt_add_grant_int(jwt.get(), "iat", static_cast<long>(claims.iat));
  if (rc == 0) rc = jwt_add_grant_int(jwt.get(), "exp", static_cast<long>(claims.exp));
  if (rc == 0 && !claims.sid.empty()) rc = jwt_add_grant(jwt.get(), "sid", claims.sid.c_str());
  if (rc != 0) return Error::internal("libjwt refused a claim or the key");
  std::unique_ptr<char, CharFree> token(jwt_encode_str(jwt.get()));
  if (!token) return Error::internal("jwt_encode_str failed");
  return std::string(token.get());
}

Result<Claims> JwtCodec::decode(std::string_view token, TokenType expected,
                                std::int64_t now) const {
  // Seed #13: size and shape first, so junk never reaches base64, JSON or crypto.
  if (!is_jwt_shaped(token)) return invalid();
  if (auto seen = verified_tokens::find(id_, token, expected)) {
    if (seen->exp <= now) return expired();
    return std::move(*seen);
  }
  const std::size_t first_dot = token.find('.');
  const std::size_t second_dot = token.find('.', first_dot + 1);
  const std::string_view signing_input = token.substr(0, second_dot);
  // Token parts are not secret: the table decoder (the signature is compared in constant
  // time). Pinning: the header must name our algorithm, whatever key would verify it (this
  // also stops an HS256 token "signed" with our public key PEM under ES256/RS256).
  const auto header = base64url_decode_public(token.substr(0, first_dot));
  if (!header || !jwt_json::header_has_alg(*header, settings_.algorithm)) return invalid();
  if (!signature_valid(*header, signing_input, token.substr(second_dot + 1), token)) {
    return invalid();
  }
  const auto payload =
      base64url_decode_public(token.substr(first_dot + 1, second_dot - first_dot - 1));
  if (!payload) return invalid();
  auto claims = jwt_json::claims_from_payload(*payload, expected, now, settings_.issuer);
  if (claims) verified_tokens::remember(id_, token, *claims);
  return claims;
}

bool JwtCodec::signature_valid(std::string_view header, std::string_view signing_input,
                               std::string_view signature, std::string_view token) const {
  if (asymmetric()) {
    // The kid picks the one key to try: a token of a key no longer configured, or without a
    // kid, is invalid without any signature check.
    const auto kid = jwt_json::header_string(header, "kid");
    if (!kid) return false;
    for (std::size_t i = 0; i < verify_kids_.size(); ++i) {
      if (verify_kids_[i] != *kid) continue;
      JwtPtr jwt = verify_with(std::string(token), verify_keys_[i]);
      // libjwt verified with the header's algorithm; only ours is acceptable.
      return jwt && jwt_get_alg(jwt.get()) == static_cast<jwt_alg_t>(alg_);
    }
    return false;
  }
  // HS256 tokens carry no kid (tokens of the FastAPI template have none either): every
  // secret is tried, at most a handful of HMACs.
  // By hand: one HMAC per key, no JSON round trip through libjwt (the hot path of
  // every authenticated request).
  const auto mac = base64url_decode_public(signature);
  if (!mac || mac->size() != 32) return false;
  bool any = false;
  for (const auto& key : hmac_keys_) {
    any |= constant_time_equal(key->sign(signing_input), *mac);
  }
  return any;
}

std::string JwtCodec::jwks_json() const {
  std::string out = R"({"keys":[)";
  for (std::size_t i = 0; i < jwks_.size(); ++i) {
    if (i > 0) out += ',';
    out += jwks_[i];
  }
  out += "]}";
  return out;
}

}  // namespace gatehouse::crypto
