#pragma once
// Standard Webhooks signatures (the specification's "Signature scheme"): every delivery
// carries `webhook-id`, `webhook-timestamp` (Unix seconds) and
// `webhook-signature: v1,<base64 of HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, where the
// key is the base64 after `whsec_` in WEBHOOK_SECRET. A receiver verifies with any Standard
// Webhooks library (tests/node/webhook-receiver.mjs uses the npm `standardwebhooks`).
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace gatehouse::webhooks {

// The HMAC key of a `whsec_<base64>` secret. Refused (invalid_input, a message that starts
// with `name` and contains neither the secret nor any part of it): no `whsec_` prefix,
// invalid base64, or fewer than 24 key bytes (config/webhook_secret.hpp, which the settings
// check at start too).
Result<std::string> parse_secret(std::string_view secret, std::string_view name = "WEBHOOK_SECRET");

// "v1,<standard base64 with padding of HMAC-SHA256(key, msg_id + "." + unix_seconds + "." +
// body)>".
std::string sign(std::string_view key, std::string_view msg_id, std::int64_t unix_seconds,
                 std::string_view body);

// The `webhook-id` of the delivery stored as outbox row `outbox_id`: "msg_<id>". Stable across
// retries, so a receiver can drop duplicates (delivery is at least once).
std::string message_id(std::int64_t outbox_id);

}  // namespace gatehouse::webhooks
