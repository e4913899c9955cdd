#include "webhooks/signature.hpp"

#include <sodium.h>

#include "config/webhook_secret.hpp"
#include "crypto/hmac.hpp"

namespace gatehouse::webhooks {

namespace {

// Standard base64 (RFC 4648 §4) with padding, as the specification and its libraries use.
std::string base64(std::string_view bytes) {
  const std::size_t size = sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(size, '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(size - 1);  // the terminating NUL
  return out;
}

}  // namespace

Result<std::string> parse_secret(std::string_view secret, std::string_view name) {
  config::WebhookKey key = config::decode_webhook_secret(name, secret);
  if (!key.problem.empty()) return Error::invalid_input(std::move(key.problem));
  return std::move(key.bytes);
}

std::string sign(std::string_view key, std::string_view msg_id, std::int64_t unix_seconds,
                 std::string_view body) {
  std::string content;
  content.reserve(msg_id.size() + body.size() + 24);
  content.append(msg_id).append(".").append(std::to_string(unix_seconds)).append(".").append(body);
  return "v1," + base64(crypto::hmac_sha256(key, content));
}

std::string message_id(std::int64_t outbox_id) { return "msg_" + std::to_string(outbox_id); }

}  // namespace gatehouse::webhooks
