#pragma once
// TOTP codes for tests from oathtool, an implementation we did not write (Debian's `oathtool`,
// installed by scripts/bootstrap): a code the server accepts proves it agrees with it.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>

namespace gatehouse::testing {

// The 6-digit code oathtool computes for `base32_secret` at `unix_time`.
inline std::string oathtool_code(const std::string& base32_secret, std::int64_t unix_time) {
  const std::string command =
      "oathtool --totp -b -N @" + std::to_string(unix_time) + " " + base32_secret + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {};
  std::array<char, 64> buf{};
  std::string out;
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), pipe) != nullptr) out += buf.data();
  EXPECT_EQ(::pclose(pipe), 0) << "oathtool is required (scripts/bootstrap installs it): " << out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace gatehouse::testing
