#include "crypto/common_passwords.hpp"

#include <span>
#include <string>
#include <unordered_set>

#include "core/embedded_file.hpp"
#include "crypto/text.hpp"

namespace gatehouse {
std::span<const EmbeddedFile> embedded_crypto_data();
}  // namespace gatehouse

namespace gatehouse::crypto {

namespace {

// Views into the embedded bytes, which live as long as the program: no copy of the list.
using PasswordSet = std::unordered_set<std::string_view>;

PasswordSet load() {
  PasswordSet set;
  const EmbeddedFile* file = find_embedded(embedded_crypto_data(), "common_passwords.txt");
  if (file == nullptr) return set;
  std::string_view rest = file->data;
  set.reserve(32768);
  while (!rest.empty()) {
    const auto eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // '#' lines are the provenance header; entries are stored lower-case already.
    if (line.empty() || line.front() == '#') continue;
    set.insert(line);
  }
  return set;
}

const PasswordSet& passwords() {
  static const PasswordSet kSet = load();  // C++11 guarantees one thread-safe initialisation
  return kSet;
}

}  // namespace

bool is_common_password(std::string_view password) {
  return passwords().contains(ascii_lower(password));
}

std::size_t common_password_count() { return passwords().size(); }

}  // namespace gatehouse::crypto
