#pragma once
// Internal to crypto/: libsodium must be initialised once before any of its functions run.

namespace gatehouse::crypto {

// Initialises libsodium on first call (thread-safe, idempotent). Throws std::runtime_error if
// libsodium cannot initialise, since no random number or hash could then be trusted.
void ensure_sodium();

}  // namespace gatehouse::crypto
