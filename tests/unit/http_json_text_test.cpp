// json_string / detail_json: always valid JSON, whatever bytes a client sent.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <string>

#include "http/json_text.hpp"

namespace gatehouse::http {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

// Parses `json` with Boost.JSON (which validates UTF-8) and returns the string value.
std::string round_trip(const std::string& json) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(json, ec);
  EXPECT_FALSE(ec) << ec.message() << " in " << json;
  if (ec || !v.is_string()) return "<invalid>";
  return std::string(v.as_string());
}

TEST(JsonStringTest, PlainText) {
  EXPECT_EQ(json_string(""), "\"\"");
  EXPECT_EQ(json_string("hello world"), "\"hello world\"");
  EXPECT_EQ(json_string("/path?x=1&y=<2>"), "\"/path?x=1&y=<2>\"");
}

TEST(JsonStringTest, EscapesQuotesAndBackslash) {
  EXPECT_EQ(json_string("a\"b"), "\"a\\\"b\"");
  EXPECT_EQ(json_string("a\\b"), "\"a\\\\b\"");
  EXPECT_EQ(json_string("\\\""), "\"\\\\\\\"\"");
  EXPECT_EQ(round_trip(json_string("x\"y\\z")), "x\"y\\z");
}

TEST(JsonStringTest, EscapesControlCharacters) {
  EXPECT_EQ(json_string("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(json_string("\x01"), "\"\\u0001\"");
  EXPECT_EQ(json_string("a\x1f"), "\"a\\u001f\"");
  EXPECT_EQ(json_string(std::string("a\0b", 3)), "\"a\\u0000b\"");
  EXPECT_EQ(json_string("\x0b"), "\"\\u000b\"");
  // DEL is allowed raw in JSON.
  EXPECT_EQ(json_string("\x7f"), "\"\x7f\"");
  std::string all;
  for (int c = 0; c < 0x20; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(round_trip(json_string(all)), all);
}

TEST(JsonStringTest, KeepsValidMultiByteUtf8) {
  const std::string samples[] = {
      "caf\xC3\xA9",                // é (2 bytes)
      "\xE2\x82\xAC",               // € (3 bytes)
      "\xF0\x9F\x98\x80",           // 😀 (4 bytes)
      "\xEF\xBF\xBF",               // U+FFFF
      "\xF4\x8F\xBF\xBF",           // U+10FFFF, the last code point
      "\xC2\x80",                   // U+0080, the first 2-byte code point
      "\xE0\xA0\x80",               // U+0800
      "\xF0\x90\x80\x80",           // U+10000
      "\xED\x9F\xBF",               // U+D7FF, just below the surrogates
      "\xEE\x80\x80",               // U+E000, just above them
      "a\xC3\xA9\"\xE2\x82\xAC\\",  // mixed with escapes
  };
  for (const std::string& s : samples) {
    const std::string out = json_string(s);
    EXPECT_EQ(out.find(kReplacement), std::string::npos) << s;
    EXPECT_EQ(round_trip(out), s);
  }
  EXPECT_EQ(json_string("caf\xC3\xA9"), quoted("caf\xC3\xA9"));
}

TEST(JsonStringTest, ReplacesLoneContinuationByte) {
  EXPECT_EQ(json_string("a\x80z"), quoted("a" + kReplacement + "z"));
  EXPECT_EQ(json_string("\xBF"), quoted(kReplacement));
}

TEST(JsonStringTest, ReplacesInvalidLeadBytes) {
  EXPECT_EQ(json_string("\xFF"), quoted(kReplacement));
  EXPECT_EQ(json_string("\xFE"), quoted(kReplacement));
  EXPECT_EQ(json_string("\xF8\x88\x80\x80\x80"),
            quoted(kReplacement + kReplacement + kReplacement + kReplacement + kReplacement));
}

TEST(JsonStringTest, ReplacesOverlongForms) {
  // 0xC0 0xAF is an overlong '/': never decoded as a slash.
  const std::string out = json_string(
      "a\xC0\xAF"
      "b");
  EXPECT_EQ(out.find('/'), std::string::npos);
  EXPECT_EQ(out.find("\xC0"), std::string::npos);
  EXPECT_NE(out.find(kReplacement), std::string::npos);
  EXPECT_EQ(out, quoted("a" + kReplacement + kReplacement + "b"));
  // Overlong 3- and 4-byte forms.
  EXPECT_EQ(round_trip(json_string("\xE0\x80\xAF")).find('/'), std::string::npos);
  EXPECT_EQ(round_trip(json_string("\xF0\x80\x80\xAF")).find('/'), std::string::npos);
  EXPECT_NE(json_string("\xE0\x80\xAF").find(kReplacement), std::string::npos);
  EXPECT_NE(json_string("\xF0\x80\x80\xAF").find(kReplacement), std::string::npos);
}

TEST(JsonStringTest, ReplacesSurrogates) {
  const std::string out = json_string("x\xED\xA0\x80y");  // U+D800 encoded directly
  EXPECT_EQ(out.find("\xED"), std::string::npos);
  EXPECT_EQ(out, quoted("x" + kReplacement + kReplacement + kReplacement + "y"));
  EXPECT_EQ(json_string("\xED\xBF\xBF").find("\xED"), std::string::npos);  // U+DFFF
}

TEST(JsonStringTest, ReplacesCodePointsAboveMax) {
  const std::string out = json_string("\xF4\x90\x80\x80");  // U+110000
  EXPECT_EQ(out.find("\xF4"), std::string::npos);
  EXPECT_NE(out.find(kReplacement), std::string::npos);
}

TEST(JsonStringTest, ReplacesTruncatedSequenceAtTheEnd) {
  for (const std::string& s : {std::string("ab\xE2\x82"), std::string("ab\xF0\x9F\x98"),
                               std::string("ab\xC3"), std::string("ab\xF0")}) {
    const std::string out = json_string(s);
    ASSERT_GE(out.size(), 4u);
    EXPECT_EQ(out.substr(0, 3), "\"ab");
    EXPECT_EQ(out.back(), '"');
    EXPECT_NE(out.find(kReplacement), std::string::npos);
    const std::string decoded = round_trip(out);
    EXPECT_EQ(decoded.substr(0, 2), "ab");
    // Only replacement characters follow.
    for (std::size_t i = 2; i < decoded.size(); i += 3) {
      EXPECT_EQ(decoded.substr(i, 3), kReplacement);
    }
  }
}

TEST(JsonStringTest, TruncatedSequenceDoesNotSwallowFollowingAscii) {
  // A lead byte followed by an ASCII quote: the quote must still be escaped.
  const std::string out = json_string("\xE2\"x");
  EXPECT_EQ(out, quoted(kReplacement + "\\\"x"));
  EXPECT_EQ(round_trip(out), kReplacement + "\"x");
}

TEST(JsonStringTest, OutputIsAlwaysValidJson) {
  std::string every_byte;
  for (int c = 0; c < 256; ++c) every_byte.push_back(static_cast<char>(c));
  const std::string decoded = round_trip(json_string(every_byte));
  EXPECT_NE(decoded, "<invalid>");
  EXPECT_EQ(decoded.substr(0, 0x80), every_byte.substr(0, 0x80));
}

TEST(DetailJsonTest, WrapsMessage) {
  EXPECT_EQ(detail_json("Not Found"), "{\"detail\":\"Not Found\"}");
  EXPECT_EQ(detail_json(""), "{\"detail\":\"\"}");
  EXPECT_EQ(detail_json("say \"hi\"\n"), "{\"detail\":\"say \\\"hi\\\"\\n\"}");
  EXPECT_EQ(detail_json("\xFF"), "{\"detail\":\"" + kReplacement + "\"}");
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(detail_json("a\x01\xC3\xA9\xC0"), ec);
  ASSERT_FALSE(ec);
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(std::string(v.at("detail").as_string()), "a\x01\xC3\xA9" + kReplacement);
}

}  // namespace
}  // namespace gatehouse::http
