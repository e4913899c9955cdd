#pragma once
// Client address resolution behind reverse proxies (TRUSTED_PROXIES). Only when the socket
// peer is a trusted proxy is X-Forwarded-For believed, and then its right-most address
// that is not itself a trusted proxy is the client: the left part is client-controlled.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::http {

class TrustedProxies {
 public:
  // Entries are addresses or CIDRs ("10.0.0.0/8", "::1"); invalid entries are skipped
  // (config validation reports them before the server starts).
  explicit TrustedProxies(const std::vector<std::string>& entries);

  bool contains(std::string_view address) const;

  // The client address for a request from `peer` carrying `forwarded_for` (may be empty).
  std::string client_ip(std::string_view peer, std::string_view forwarded_for) const;

  bool empty() const { return networks_.empty(); }

 private:
  struct Network {
    std::array<std::uint8_t, 16> bytes{};
    int prefix = 0;
  };
  std::vector<Network> networks_;
};

// Parses an IPv4 or IPv6 address into IPv4-mapped IPv6 bytes.
std::optional<std::array<std::uint8_t, 16>> parse_ip(std::string_view text);

}  // namespace gatehouse::http
