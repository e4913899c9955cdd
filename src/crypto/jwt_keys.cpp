#include "crypto/jwt_keys.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"

namespace gatehouse::crypto::jwt_keys {

namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BnFree {
  void operator()(BIGNUM* n) const { BN_free(n); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

constexpr std::size_t kKidHexChars = 16;
constexpr int kMinRsaBits = 2048;
constexpr int kP256CoordinateBytes = 32;

BioPtr read_bio(std::string_view pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// Never prompt on the terminal for a pass phrase: an encrypted key simply fails to load.
int no_passphrase(char*, int, int, void*) { return 0; }

// What `alg` needs, in words for error messages.
std::string_view wanted_key(std::string_view alg) {
  return alg == "ES256" ? "EC P-256" : "RSA (2048 bits or more)";
}

// What `key` is, in words for error messages (never key material).
std::string key_kind(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len) == 1) {
      return "an EC key on curve " + std::string(group, len);
    }
    return "an EC key";
  }
  const std::string bits = " of " + std::to_string(EVP_PKEY_get_bits(key)) + " bits";
  if (EVP_PKEY_is_a(key, "RSA")) return "an RSA key" + bits;
  const char* name = EVP_PKEY_get0_type_name(key);
  return "a " + std::string(name ? name : "different") + " key" + bits;
}

Status check_type(EVP_PKEY* key, std::string_view alg) {
  if (alg == "ES256") {
    char group[64] = {};
    std::size_t len = 0;
    if (!EVP_PKEY_is_a(key, "EC") ||
        EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len) != 1 ||
        std::string_view(group, len) != "prime256v1") {
      return Error::internal("ES256 needs an EC key on the P-256 curve, this is " + key_kind(key));
    }
    return ok();
  }
  if (alg == "RS256") {
    if (!EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_get_bits(key) < kMinRsaBits) {
      return Error::internal("RS256 needs an RSA key of at least 2048 bits, this is " +
                             key_kind(key));
    }
    return ok();
  }
  return Error::internal("unsupported asymmetric JWT algorithm");
}

std::string bn_param(EVP_PKEY* key, const char* name, int pad_to) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return {};
  BnPtr bn(raw);
  const int size = pad_to > 0 ? pad_to : BN_num_bytes(bn.get());
  std::string out(static_cast<std::size_t>(size), '\0');
  if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), size) != size) {
    return {};
  }
  return out;
}

Result<std::string> jwk_body(EVP_PKEY* key, std::string_view alg) {
  // Values are base64url, so the JSON needs no escaping.
  if (alg == "ES256") {
    const std::string x = bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, kP256CoordinateBytes);
    const std::string y = bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, kP256CoordinateBytes);
    if (x.empty() || y.empty()) return Error::internal("cannot read the EC public point");
    return R"("kty":"EC","crv":"P-256","x":")" + base64url_encode(x) + R"(","y":")" +
           base64url_encode(y) + '"';
  }
  const std::string n = bn_param(key, OSSL_PKEY_PARAM_RSA_N, 0);
  const std::string e = bn_param(key, OSSL_PKEY_PARAM_RSA_E, 0);
  if (n.empty() || e.empty()) return Error::internal("cannot read the RSA public key");
  return R"("kty":"RSA","n":")" + base64url_encode(n) + R"(","e":")" + base64url_encode(e) + '"';
}

Result<PublicKey> describe(EVP_PKEY* key, std::string_view alg) {
  if (auto st = check_type(key, alg); !st) return st.error();

  unsigned char* der = nullptr;
  const int der_len = i2d_PUBKEY(key, &der);
  if (der_len <= 0) return Error::internal("cannot DER-encode the JWT public key");
  const std::string der_bytes(reinterpret_cast<const char*>(der),
                              static_cast<std::size_t>(der_len));
  OPENSSL_free(der);

  BioPtr out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_PUBKEY(out.get(), key) != 1) {
    return Error::internal("cannot PEM-encode the JWT public key");
  }
  char* pem_data = nullptr;
  const long pem_len = BIO_get_mem_data(out.get(), &pem_data);

  auto body = jwk_body(key, alg);
  if (!body) return body.error();

  PublicKey result;
  result.der = der_bytes;
  result.pem.assign(pem_data, static_cast<std::size_t>(pem_len));
  result.kid = hex_encode(sha256(der_bytes)).substr(0, kKidHexChars);
  result.jwk_json = "{" + *body + R"(,"alg":")" + std::string(alg) + R"(","use":"sig"})";
  return result;
}

}  // namespace

Result<PublicKey> load_public(std::string_view pem, std::string_view alg) {
  BioPtr bio = read_bio(pem);
  PkeyPtr key(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr) : nullptr);
  if (!key) {
    return Error::internal("not a valid " + std::string(wanted_key(alg)) +
                           " public key in PEM (\"BEGIN PUBLIC KEY\")");
  }
  return describe(key.get(), alg);
}

Result<PublicKey> public_of_private(std::string_view private_pem, std::string_view alg) {
  BioPtr bio = read_bio(private_pem);
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr) : nullptr);
  if (!key) {
    return Error::internal("not a valid " + std::string(wanted_key(alg)) +
                           " private key in PEM (encrypted keys are not supported)");
  }
  return describe(key.get(), alg);
}

std::string jwk_with_kid(const PublicKey& key, std::string_view kid) {
  // jwk_json ends with '}'; the kid goes in front of it.
  std::string out = key.jwk_json.substr(0, key.jwk_json.size() - 1);
  out += R"(,"kid":")";
  out += kid;
  out += "\"}";
  return out;
}

}  // namespace gatehouse::crypto::jwt_keys
