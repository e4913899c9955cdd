#include "crypto/sodium_init.hpp"

#include <sodium.h>

#include <stdexcept>

namespace gatehouse::crypto {

void ensure_sodium() {
  // A function-local static runs sodium_init() exactly once, even with many threads racing
  // here; sodium_init() itself returns 1 when another library already initialised it.
  static const bool kReady = sodium_init() >= 0;
  if (!kReady) throw std::runtime_error("libsodium could not be initialised");
}

}  // namespace gatehouse::crypto
