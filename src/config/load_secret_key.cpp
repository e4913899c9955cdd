// SECRET_KEY: the reference's rules, plus the development key kept in DATA_DIR.
#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "config/files.hpp"
#include "config/sections.hpp"
#include "config/text.hpp"

namespace gatehouse::config::detail {

namespace {

constexpr std::string_view kWeakSecretKeys[] = {"CHANGE_ME_IN_ENV_FILE", "32DigitsofSecretNumbers",
                                                "CHANGE_ME", "secret", "secretkey"};
constexpr std::size_t kMinSecretKeyLength = 32;
constexpr std::size_t kGeneratedKeyBytes = 32;  // 64 hex characters
constexpr const char* kKeyFileName = "secret_key";

std::string generate_key() {
  unsigned char raw[kGeneratedKeyBytes];
  randombytes_buf(raw, sizeof raw);
  char hex[2 * kGeneratedKeyBytes + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  sodium_memzero(raw, sizeof raw);
  return hex;
}

// Reads <DATA_DIR>/secret_key, creating it first when missing. Returns 0 or an errno
// value.
int read_or_create_key_file(const std::string& path, std::string& key) {
  int err = read_whole_file(path, key);
  if (err != ENOENT) return err;
  if (sodium_init() < 0) return EIO;
  const std::string fresh = generate_key();
  err = create_private_file(path, fresh);
  if (err == 0) {
    key = fresh;
    return 0;
  }
  // Another process created it first: use theirs.
  return err == EEXIST ? read_whole_file(path, key) : err;
}

void load_development_key(VariableReader& r, Settings& s) {
  const std::string path = (std::filesystem::path(s.data_dir) / kKeyFileName).string();
  std::string key;
  if (const int err = read_or_create_key_file(path, key); err != 0) {
    r.error("SECRET_KEY: cannot read or create the development key file " + quote(path) + " (" +
            std::strerror(err) + ")");
    return;
  }
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) {
    key.pop_back();
  }
  if (!secret_key_problem("SECRET_KEY", key).empty()) {
    r.error("SECRET_KEY: the development key in " + quote(path) +
            " is too weak; delete the file to generate a new one, or set SECRET_KEY");
    return;
  }
  s.secret_key = std::move(key);
  s.secret_key_generated = true;
  r.warning("SECRET_KEY is not set: using the development key stored in " + path +
            ". Set SECRET_KEY before production use.");
}

}  // namespace

std::string secret_key_problem(std::string_view variable, std::string_view key) {
  for (std::string_view weak : kWeakSecretKeys) {
    if (iequals(key, weak)) {
      return std::string(variable) +
             ": must not be a default or example value (generate one with `gatehouse keys "
             "--secret`)";
    }
  }
  const std::size_t length = utf8_length(key);
  if (length < kMinSecretKeyLength) {
    return std::string(variable) +
           " must be at least 32 characters for security. Current length: " +
           std::to_string(length);
  }
  return {};
}

void load_secret_key(VariableReader& r, Settings& s, bool data_dir_ok) {
  if (r.has_value("SECRET_KEY")) {
    const std::string& key = *r.find("SECRET_KEY");
    if (std::string problem = secret_key_problem("SECRET_KEY", key); !problem.empty()) {
      r.error(std::move(problem));
    } else {
      s.secret_key = key;
    }
    return;
  }
  if (s.is_production()) {
    r.error("SECRET_KEY: must be set in production (generate one with `gatehouse keys --secret`)");
    return;
  }
  // Without a usable DATA_DIR there is nowhere to keep the key; that error is reported.
  if (data_dir_ok) load_development_key(r, s);
}

}  // namespace gatehouse::config::detail
