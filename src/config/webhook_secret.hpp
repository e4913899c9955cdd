#pragma once
// WEBHOOK_SECRET: the Standard Webhooks signing secret, `whsec_` followed by the standard
// base64 (RFC 4648 §4, padding optional) of the HMAC-SHA256 key. Decoded here because the
// settings are checked at start (`gatehouse config check` too); webhooks/signature.hpp signs
// with the key.
#include <cstddef>
#include <string>
#include <string_view>

namespace gatehouse::config {

inline constexpr std::string_view kWebhookSecretPrefix = "whsec_";
// The key must have at least 24 bytes (192 bits), the size of the secrets the Standard
// Webhooks reference generates.
inline constexpr std::size_t kMinWebhookKeyBytes = 24;

struct WebhookKey {
  std::string bytes;    // the key; empty when `problem` is set
  std::string problem;  // "<variable>: …" (missing prefix, bad base64, too short); never the secret
};

// Decodes `secret`; errors name `variable` and never contain the secret or part of it.
WebhookKey decode_webhook_secret(std::string_view variable, std::string_view secret);

// True for a secret published as an example (the Standard Webhooks specification's test
// vector), which production refuses.
bool is_example_webhook_secret(std::string_view secret);

}  // namespace gatehouse::config
