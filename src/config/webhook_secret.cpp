#include "config/webhook_secret.hpp"

#include <sodium.h>

namespace gatehouse::config {

namespace {

// The secret of the specification's test vector, copied into many READMEs and tests.
constexpr std::string_view kExampleSecrets[] = {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"};

}  // namespace

WebhookKey decode_webhook_secret(std::string_view variable, std::string_view secret) {
  const std::string name(variable);
  if (secret.substr(0, kWebhookSecretPrefix.size()) != kWebhookSecretPrefix) {
    return {{},
            name +
                ": must start with \"whsec_\" followed by base64 (e.g. whsec_$(openssl rand "
                "-base64 32))"};
  }
  const std::string_view text = secret.substr(kWebhookSecretPrefix.size());
  std::string key(text.size(), '\0');
  std::size_t length = 0;
  // Padded or not; sodium_base642bin runs in constant time and rejects any character outside
  // the alphabet (none is ignored) and non-canonical trailing bits.
  const int variant = text.size() % 4 == 0 ? sodium_base64_VARIANT_ORIGINAL
                                           : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
  if (text.empty() ||
      sodium_base642bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), text.data(),
                        text.size(), nullptr, &length, nullptr, variant) != 0) {
    sodium_memzero(key.data(), key.size());
    return {{}, name + ": the part after \"whsec_\" is not valid base64"};
  }
  key.resize(length);
  if (key.size() < kMinWebhookKeyBytes) {
    sodium_memzero(key.data(), key.size());
    return {{},
            name + ": the key must have at least " + std::to_string(kMinWebhookKeyBytes) +
                " bytes (got " + std::to_string(length) +
                "); generate one with whsec_$(openssl rand -base64 32)"};
  }
  return {std::move(key), {}};
}

bool is_example_webhook_secret(std::string_view secret) {
  for (std::string_view example : kExampleSecrets) {
    if (secret == example) return true;
  }
  return false;
}

}  // namespace gatehouse::config
