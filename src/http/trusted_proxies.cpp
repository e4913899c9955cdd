#include "http/trusted_proxies.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace gatehouse::http {

std::optional<std::array<std::uint8_t, 16>> parse_ip(std::string_view text) {
  std::array<std::uint8_t, 16> out{};
  std::string s(text);
  // Strip brackets and a zone id, as in "[::1]" or "fe80::1%eth0".
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  if (auto pct = s.find('%'); pct != std::string::npos) s.resize(pct);
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out[10] = 0xFF;
    out[11] = 0xFF;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

TrustedProxies::TrustedProxies(const std::vector<std::string>& entries) {
  for (const std::string& e : entries) {
    const auto slash = e.find('/');
    const auto addr = parse_ip(std::string_view(e).substr(0, slash));
    if (!addr) continue;
    // The written form decides the prefix scale: "10.0.0.0/8" is IPv4, "::ffff:10.0.0.0/104"
    // is the same network written as IPv6.
    const bool is_v4 = e.substr(0, slash).find(':') == std::string::npos;
    int prefix = 128;
    if (slash != std::string::npos) {
      int p = -1;
      const char* b = e.data() + slash + 1;
      const char* end = e.data() + e.size();
      const auto [ptr, ec] = std::from_chars(b, end, p);
      if (ec != std::errc() || ptr != end || p < 0 || p > (is_v4 ? 32 : 128)) continue;
      prefix = is_v4 ? p + 96 : p;
    }
    networks_.push_back({*addr, prefix});
  }
}

bool TrustedProxies::contains(std::string_view address) const {
  if (networks_.empty()) return false;
  const auto ip = parse_ip(address);
  if (!ip) return false;
  for (const Network& n : networks_) {
    const int full = n.prefix / 8;
    const int rest = n.prefix % 8;
    if (std::memcmp(ip->data(), n.bytes.data(), static_cast<std::size_t>(full)) != 0) continue;
    if (rest) {
      const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
      if (((*ip)[full] & mask) != (n.bytes[full] & mask)) continue;
    }
    return true;
  }
  return false;
}

std::string TrustedProxies::client_ip(std::string_view peer, std::string_view forwarded_for) const {
  if (forwarded_for.empty() || !contains(peer)) return std::string(peer);
  std::vector<std::string> hops;
  std::size_t start = 0;
  while (start <= forwarded_for.size()) {
    const auto comma = forwarded_for.find(',', start);
    std::string_view item = forwarded_for.substr(start, comma - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) hops.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    if (!parse_ip(*it)) return std::string(peer);  // garbage: trust nothing further left
    if (!contains(*it)) return *it;
  }
  return hops.empty() ? std::string(peer) : hops.front();
}

}  // namespace gatehouse::http
