// write_response's status line: reason phrases now come from Beast, and must read as the
// hand-written table did for every status the server sends.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "http/response_writer.hpp"

namespace gatehouse::http {
namespace {

TEST(ReasonPhraseTest, StatusesTheServerSends) {
  const std::pair<int, std::string> expected[] = {
      {100, "Continue"},
      {200, "OK"},
      {201, "Created"},
      {202, "Accepted"},
      {204, "No Content"},
      {301, "Moved Permanently"},
      {302, "Found"},
      {303, "See Other"},
      {304, "Not Modified"},
      {307, "Temporary Redirect"},
      {308, "Permanent Redirect"},
      {400, "Bad Request"},
      {401, "Unauthorized"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {408, "Request Timeout"},
      {409, "Conflict"},
      {413, "Payload Too Large"},
      {415, "Unsupported Media Type"},
      {422, "Unprocessable Entity"},
      {429, "Too Many Requests"},
      {431, "Request Header Fields Too Large"},
      {500, "Internal Server Error"},
      {502, "Bad Gateway"},
      {503, "Service Unavailable"},
      {504, "Gateway Timeout"},
  };
  for (const auto& [status, phrase] : expected) EXPECT_EQ(reason_phrase(status), phrase) << status;
}

TEST(ReasonPhraseTest, UnknownStatuses) {
  for (int status : {0, -1, 299, 999, 1000}) {
    EXPECT_EQ(std::string(reason_phrase(status)), "Unknown") << status;
  }
}

TEST(WriteResponseTest, StatusLine) {
  Response r = Response::json(422, "{}");
  std::string out;
  write_response(r, 1, true, out);
  EXPECT_EQ(out.substr(0, out.find("\r\n")), "HTTP/1.1 422 Unprocessable Entity");
}

// A HEAD answer (GET /auth/check's 401 to nginx's auth_request, say) keeps its
// Content-Length but sends no body: a keep-alive peer would read the body as the next answer.
TEST(WriteResponseTest, HeadAnswerHasLengthButNoBody) {
  Response r = Response::json(401, R"({"detail":"x"})");
  std::string out;
  write_response(r, 1, true, out, /*head=*/true);
  EXPECT_NE(out.find("Content-Length: 14\r\n"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("\r\n\r\n")) << out;
}

}  // namespace
}  // namespace gatehouse::http
