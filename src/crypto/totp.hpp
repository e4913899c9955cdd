#pragma once
// TOTP (RFC 6238) as authenticator apps use it: HMAC-SHA-1, 6 digits, 30-second steps, the
// secret shown in base32 (RFC 4648, no padding) inside an otpauth:// URI. Codes are checked
// by liboath, with a constant-time comparison.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::crypto {

inline constexpr int kTotpDigits = 6;
inline constexpr int kTotpStepSeconds = 30;
inline constexpr std::size_t kTotpSecretBytes = 20;  // 160 bits, RFC 4226's recommendation

// A fresh secret: kTotpSecretBytes random bytes (raw, not encoded).
std::string new_totp_secret();

// RFC 4648 base32, upper case, without padding.
std::string base32_encode(std::string_view raw);
// The bytes of base32 `text` (upper or lower case, padding optional); nullopt when invalid.
std::optional<std::string> base32_decode(std::string_view text);

// otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30, with
// the issuer and the account percent-encoded.
std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view raw_secret);

// Whether `code` is kTotpDigits ASCII digits and nothing else.
bool is_totp_code_shaped(std::string_view code);

// The time step (counter) whose code equals `code`, looked for within `window` steps either
// side of the step of `now_unix`; nullopt when none matches or `code` is not code-shaped.
// Callers keep the step to refuse the same code twice (a replay guard).
std::optional<std::uint64_t> totp_match(std::string_view raw_secret, std::string_view code,
                                        std::int64_t now_unix, int window = 1);

}  // namespace gatehouse::crypto
