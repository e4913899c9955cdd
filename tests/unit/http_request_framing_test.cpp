// Request framing rules (RFC 9112 §3.2, §5.2, §6.3; docs/http-api.md §1): what the transport
// refuses with 400 once a header block is complete. The wire-level behaviour is in transport_itest.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "http/request_framing.hpp"

namespace gatehouse::http {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

std::optional<std::string_view> check(unsigned version, const Fields& fields) {
  FramingCheck c;
  for (const auto& [name, value] : fields) c.field(name, value);
  return c.violation(version);
}

TEST(RequestFraming, OrdinaryRequestsPass) {
  EXPECT_FALSE(check(11, {{"Host", "x"}}));
  EXPECT_FALSE(check(11, {{"host", "x"}, {"Authorization", "Bearer a"}, {"X-API-Key", "k"}}));
  EXPECT_FALSE(check(11, {{"Host", "x"}, {"Transfer-Encoding", "chunked"}}));
  EXPECT_FALSE(check(11, {{"Host", "x"}, {"transfer-encoding", " Chunked "}}));
  EXPECT_FALSE(check(11, {{"Host", "x"}, {"Transfer-Encoding", ", chunked,"}}))
      << "empty list elements do not count";
  EXPECT_FALSE(check(10, {})) << "HTTP/1.0 needs no Host";
  EXPECT_FALSE(check(10, {{"Host", "x"}}));
}

TEST(RequestFraming, TransferCodingOtherThanASingleChunkedIsRefused) {
  for (const char* te : {"chunked, identity", "gzip", "identity", "xchunked", "chunked, chunked",
                         "gzip, chunked", "", " , "}) {
    EXPECT_TRUE(check(11, {{"Host", "x"}, {"Transfer-Encoding", te}})) << '"' << te << '"';
  }
  // Spread over two lines, the list is the same.
  EXPECT_TRUE(check(
      11, {{"Host", "x"}, {"Transfer-Encoding", "identity"}, {"Transfer-Encoding", "chunked"}}));
  EXPECT_TRUE(
      check(11, {{"Host", "x"}, {"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "gzip"}}));
}

TEST(RequestFraming, AnyTransferEncodingOnHttp10IsRefused) {
  EXPECT_EQ(check(10, {{"Transfer-Encoding", "chunked"}}),
            std::optional<std::string_view>("Transfer-Encoding on an HTTP/1.0 request"));
  EXPECT_TRUE(check(10, {{"Host", "x"}, {"Transfer-Encoding", "chunked"}}));
}

TEST(RequestFraming, HostMustAppearExactlyOnceOnHttp11) {
  EXPECT_EQ(check(11, {}), std::optional<std::string_view>("HTTP/1.1 request without Host"));
  EXPECT_EQ(check(11, {{"Host", "a"}, {"HOST", "b"}}),
            std::optional<std::string_view>("more than one Host header"));
  EXPECT_TRUE(check(10, {{"Host", "a"}, {"Host", "a"}})) << "two are ambiguous on 1.0 too";
}

TEST(RequestFraming, RepeatedCredentialsAreRefused) {
  EXPECT_EQ(check(11, {{"Host", "x"}, {"Authorization", "Bearer a"}, {"authorization", "b"}}),
            std::optional<std::string_view>("more than one Authorization header"));
  EXPECT_EQ(check(11, {{"Host", "x"}, {"X-API-Key", "a"}, {"x-api-key", "a"}}),
            std::optional<std::string_view>("more than one X-API-Key header"));
}

TEST(RequestFraming, HeaderBlockEnd) {
  const std::string block = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  EXPECT_EQ(header_block_end(block), block.size());
  EXPECT_EQ(header_block_end(block + "GET / HTTP/1.1\r\n"), block.size());
  EXPECT_EQ(header_block_end("GET / HTTP/1.1\r\nHost: x\r\n"), std::string_view::npos);
  EXPECT_EQ(header_block_end(block, block.size() - 4), block.size());
}

TEST(RequestFraming, ObsFoldIsFound) {
  EXPECT_FALSE(has_obs_fold("GET / HTTP/1.1\r\nHost: x\r\nX-A: a b\r\n\r\n"));
  EXPECT_TRUE(has_obs_fold("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n"));
  EXPECT_TRUE(has_obs_fold("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n\tb\r\n\r\n"));
  EXPECT_TRUE(has_obs_fold("GET / HTTP/1.1\r\nX-A:\r\n b\r\nHost: x\r\n\r\n"));
}

}  // namespace
}  // namespace gatehouse::http
