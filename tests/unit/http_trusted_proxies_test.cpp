// TrustedProxies: address/CIDR matching and client address resolution from
// X-Forwarded-For (docs/http-api.md §1: right-most untrusted address, only behind a trusted
// peer).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/trusted_proxies.hpp"

namespace gatehouse::http {
namespace {

TEST(ParseIpTest, ParsesIpv4AsMappedIpv6) {
  const auto v4 = parse_ip("10.0.0.1");
  ASSERT_TRUE(v4);
  const std::array<std::uint8_t, 16> expected{0, 0, 0,    0,    0,  0, 0, 0,
                                              0, 0, 0xFF, 0xFF, 10, 0, 0, 1};
  EXPECT_EQ(*v4, expected);
  EXPECT_EQ(parse_ip("::ffff:10.0.0.1"), v4);
}

TEST(ParseIpTest, ParsesIpv6BracketsAndZones) {
  const auto one = parse_ip("::1");
  ASSERT_TRUE(one);
  EXPECT_EQ((*one)[15], 1);
  EXPECT_EQ(parse_ip("[::1]"), one);
  const auto ll = parse_ip("fe80::1%eth0");
  ASSERT_TRUE(ll);
  EXPECT_EQ((*ll)[0], 0xFE);
  EXPECT_EQ((*ll)[1], 0x80);
  EXPECT_EQ(parse_ip("FE80::1"), ll);
}

TEST(ParseIpTest, RejectsGarbage) {
  for (const char* bad : {"", "abc", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.4:80",
                          ":::", "10.0.0.0/8", "[::1", "::g"}) {
    EXPECT_FALSE(parse_ip(bad)) << bad;
  }
}

TEST(TrustedProxiesTest, EmptyTrustsNothing) {
  const TrustedProxies p({});
  EXPECT_TRUE(p.empty());
  EXPECT_FALSE(p.contains("127.0.0.1"));
  EXPECT_FALSE(p.contains("::1"));
  EXPECT_EQ(p.client_ip("127.0.0.1", "1.2.3.4"), "127.0.0.1");
}

TEST(TrustedProxiesTest, SingleIpv4Address) {
  const TrustedProxies p({"192.168.1.10"});
  EXPECT_FALSE(p.empty());
  EXPECT_TRUE(p.contains("192.168.1.10"));
  EXPECT_FALSE(p.contains("192.168.1.11"));
  EXPECT_FALSE(p.contains("192.168.1.1"));
  EXPECT_TRUE(p.contains("::ffff:192.168.1.10"));
}

TEST(TrustedProxiesTest, Ipv4Cidrs) {
  const TrustedProxies p({"10.0.0.0/8", "172.16.0.0/12", "192.168.5.0/24", "203.0.113.9/32"});
  EXPECT_TRUE(p.contains("10.0.0.1"));
  EXPECT_TRUE(p.contains("10.255.255.255"));
  EXPECT_FALSE(p.contains("11.0.0.1"));
  EXPECT_FALSE(p.contains("9.255.255.255"));
  EXPECT_TRUE(p.contains("172.16.0.1"));
  EXPECT_TRUE(p.contains("172.31.255.255"));
  EXPECT_FALSE(p.contains("172.32.0.0"));
  EXPECT_FALSE(p.contains("172.15.255.255"));
  EXPECT_TRUE(p.contains("192.168.5.200"));
  EXPECT_FALSE(p.contains("192.168.6.1"));
  EXPECT_TRUE(p.contains("203.0.113.9"));
  EXPECT_FALSE(p.contains("203.0.113.8"));
  // An IPv4 CIDR does not cover IPv6 addresses.
  EXPECT_FALSE(p.contains("::1"));
  EXPECT_FALSE(p.contains("a00::1"));
}

TEST(TrustedProxiesTest, NetworkAddressNeedNotBeAligned) {
  const TrustedProxies p({"10.1.2.3/8", "192.168.1.200/25"});
  EXPECT_TRUE(p.contains("10.200.0.1"));
  EXPECT_TRUE(p.contains("192.168.1.130"));
  EXPECT_FALSE(p.contains("192.168.1.100"));
}

TEST(TrustedProxiesTest, Ipv4SlashZeroCoversAllIpv4Only) {
  const TrustedProxies p({"0.0.0.0/0"});
  EXPECT_TRUE(p.contains("1.2.3.4"));
  EXPECT_TRUE(p.contains("255.255.255.255"));
  EXPECT_TRUE(p.contains("::ffff:8.8.8.8"));
  EXPECT_FALSE(p.contains("2001:db8::1"));
}

TEST(TrustedProxiesTest, Ipv6SlashZeroCoversEverything) {
  const TrustedProxies p({"::/0"});
  EXPECT_TRUE(p.contains("2001:db8::1"));
  EXPECT_TRUE(p.contains("::1"));
  EXPECT_TRUE(p.contains("1.2.3.4"));
}

TEST(TrustedProxiesTest, Ipv6AddressesAndCidrs) {
  const TrustedProxies p({"::1", "2001:db8::/32", "fd00:1:2:3::/64", "2001:db9::5/128"});
  EXPECT_TRUE(p.contains("::1"));
  EXPECT_TRUE(p.contains("[::1]"));
  EXPECT_FALSE(p.contains("::2"));
  EXPECT_TRUE(p.contains("2001:db8::1"));
  EXPECT_TRUE(p.contains("2001:0db8:ffff:ffff::1"));
  EXPECT_FALSE(p.contains("2001:db9::1"));
  EXPECT_TRUE(p.contains("fd00:1:2:3:ffff::1"));
  EXPECT_FALSE(p.contains("fd00:1:2:4::1"));
  EXPECT_TRUE(p.contains("2001:db9::5"));
  EXPECT_FALSE(p.contains("2001:db9::6"));
  EXPECT_FALSE(p.contains("127.0.0.1"));
}

TEST(TrustedProxiesTest, OddIpv6Prefix) {
  const TrustedProxies p({"2001:db8:8000::/33"});
  EXPECT_TRUE(p.contains("2001:db8:8000::1"));
  EXPECT_TRUE(p.contains("2001:db8:ffff::1"));
  EXPECT_FALSE(p.contains("2001:db8:7fff::1"));
}

TEST(TrustedProxiesTest, Ipv4MappedIpv6Peers) {
  const TrustedProxies p({"10.0.0.0/8"});
  EXPECT_TRUE(p.contains("::ffff:10.0.0.1"));
  EXPECT_TRUE(p.contains("::FFFF:10.20.30.40"));
  EXPECT_FALSE(p.contains("::ffff:11.0.0.1"));
  EXPECT_EQ(p.client_ip("::ffff:10.0.0.1", "198.51.100.2"), "198.51.100.2");
}

TEST(TrustedProxiesTest, InvalidEntriesAreIgnored) {
  const TrustedProxies p({"", "not-an-ip", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/8x",
                          "10.0.0.0/abc", "::/129", "1.2.3.4/8/8", "300.0.0.0/8"});
  EXPECT_TRUE(p.empty());
  EXPECT_FALSE(p.contains("10.0.0.1"));
  EXPECT_FALSE(p.contains("1.2.3.4"));

  const TrustedProxies mixed({"garbage", "10.0.0.0/8", "::/200"});
  EXPECT_FALSE(mixed.empty());
  EXPECT_TRUE(mixed.contains("10.9.9.9"));
  EXPECT_FALSE(mixed.contains("2001:db8::1"));
}

TEST(TrustedProxiesTest, ContainsRejectsUnparseableAddresses) {
  const TrustedProxies p({"::/0"});
  EXPECT_FALSE(p.contains(""));
  EXPECT_FALSE(p.contains("unknown"));
  EXPECT_FALSE(p.contains("1.2.3.4:5678"));
}

TEST(ClientIpTest, UntrustedPeerIgnoresForwardedFor) {
  const TrustedProxies p({"10.0.0.0/8"});
  EXPECT_EQ(p.client_ip("203.0.113.5", "1.2.3.4"), "203.0.113.5");
  EXPECT_EQ(p.client_ip("203.0.113.5", ""), "203.0.113.5");
}

TEST(ClientIpTest, TrustedPeerWithoutForwardedForIsPeer) {
  const TrustedProxies p({"10.0.0.0/8"});
  EXPECT_EQ(p.client_ip("10.0.0.1", ""), "10.0.0.1");
  EXPECT_EQ(p.client_ip("10.0.0.1", " , ,"), "10.0.0.1");
}

TEST(ClientIpTest, RightMostUntrustedAddressWins) {
  const TrustedProxies p({"10.0.0.0/8", "2001:db8::/32"});
  EXPECT_EQ(p.client_ip("10.0.0.1", "198.51.100.2"), "198.51.100.2");
  EXPECT_EQ(p.client_ip("10.0.0.1", "6.6.6.6, 198.51.100.2"), "198.51.100.2");
  EXPECT_EQ(p.client_ip("10.0.0.1", "6.6.6.6, 198.51.100.2, 10.0.0.7, 10.0.0.8"), "198.51.100.2");
  EXPECT_EQ(p.client_ip("10.0.0.1", "6.6.6.6,198.51.100.2,\t10.0.0.7 "), "198.51.100.2");
  EXPECT_EQ(p.client_ip("10.0.0.1", "2001:db9::1, 2001:db8::5"), "2001:db9::1");
  EXPECT_EQ(p.client_ip("2001:db8::1", "198.51.100.2"), "198.51.100.2");
}

TEST(ClientIpTest, AllHopsTrustedGivesLeftMost) {
  const TrustedProxies p({"10.0.0.0/8"});
  EXPECT_EQ(p.client_ip("10.0.0.1", "10.0.0.3, 10.0.0.2"), "10.0.0.3");
}

TEST(ClientIpTest, GarbageStopsTheWalk) {
  const TrustedProxies p({"10.0.0.0/8"});
  // Garbage right of any untrusted address: nothing further left is believed.
  EXPECT_EQ(p.client_ip("10.0.0.1", "198.51.100.2, garbage"), "10.0.0.1");
  EXPECT_EQ(p.client_ip("10.0.0.1", "198.51.100.2, unknown, 10.0.0.3"), "10.0.0.1");
  EXPECT_EQ(p.client_ip("10.0.0.1", "198.51.100.2, 1.2.3.4:80"), "10.0.0.1");
  // Garbage left of the right-most untrusted address is never looked at.
  EXPECT_EQ(p.client_ip("10.0.0.1", "<script>, 198.51.100.2"), "198.51.100.2");
}

TEST(ClientIpTest, BracketedIpv6HopIsReturnedAsSent) {
  const TrustedProxies p({"10.0.0.0/8"});
  EXPECT_EQ(p.client_ip("10.0.0.1", "[2001:db8::1]"), "[2001:db8::1]");
}

}  // namespace
}  // namespace gatehouse::http
