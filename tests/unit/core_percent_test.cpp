// Percent-encoding and form/query parsing (core/percent, Boost.URL underneath): the edge
// cases clients rely on, as the hand-written codecs answered them.
#include <gtest/gtest.h>

#include <string>

#include "core/percent.hpp"
#include "http/request.hpp"

namespace gatehouse {
namespace {

TEST(PercentDecodeTest, DecodesValidEscapes) {
  EXPECT_EQ(percent_decode(""), "");
  EXPECT_EQ(percent_decode("a%20b%2fc%2F"), "a b/c/");
  EXPECT_EQ(percent_decode("caf%C3%A9"), "caf\xC3\xA9");
  EXPECT_EQ(percent_decode("%00x"), std::string("\0x", 2));
  EXPECT_EQ(percent_decode("%41"), "A");
}

TEST(PercentDecodeTest, KeepsInvalidEscapesVerbatim) {
  EXPECT_EQ(percent_decode("%"), "%");
  EXPECT_EQ(percent_decode("%4"), "%4");
  EXPECT_EQ(percent_decode("a%zz%4"), "a%zz%4");
  EXPECT_EQ(percent_decode("%%41"), "%A");
  EXPECT_EQ(percent_decode("%4%41"), "%4A");
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%g1 %1g"), "%g1 %1g");
}

TEST(PercentDecodeTest, PlusIsASpaceOnlyWhenAsked) {
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("a%2Bb", true), "a+b");
  EXPECT_EQ(percent_decode("%+", true), "% ");
}

TEST(PercentDecodeTest, RawBytesPassThrough) {
  EXPECT_EQ(percent_decode("a b#c\xC3\xA9\"<>[]"), "a b#c\xC3\xA9\"<>[]");
}

TEST(PercentEncodeTest, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(percent_encode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(percent_encode("a b/?#%&=+\xC3\xA9"), "a%20b%2F%3F%23%25%26%3D%2B%C3%A9");
  EXPECT_EQ(percent_encode(std::string("\0\x7f", 2)), "%00%7F");
  EXPECT_EQ(percent_encode("a b+c", true), "a+b%2Bc");
}

TEST(FormFieldTest, FirstValueOfRepeatedKeys) {
  EXPECT_EQ(form_field("a=1&a=2", "a"), "1");
  EXPECT_EQ(form_field("b=0&a=1&a=2", "a"), "1");
  EXPECT_FALSE(form_field("b=0", "a"));
  EXPECT_FALSE(form_field("", "a"));
}

TEST(FormFieldTest, PairShapes) {
  EXPECT_EQ(form_field("a", "a"), "");
  EXPECT_EQ(form_field("a=", "a"), "");
  EXPECT_EQ(form_field("a=b=c", "a"), "b=c");
  EXPECT_EQ(form_field("&&a=1&", "a"), "1");
  EXPECT_EQ(form_field("=1&a=2", ""), "1");
  EXPECT_EQ(form_field("?a=1", "?a"), "1");
}

TEST(FormFieldTest, DecodesNamesAndValues) {
  EXPECT_EQ(form_field("a+b=c+d", "a b"), "c d");
  EXPECT_EQ(form_field("%61=%2B%26%3D", "a"), "+&=");
  EXPECT_EQ(form_field("x%26y=1", "x&y"), "1");
  EXPECT_EQ(form_field("code=ab%zz%", "code"), "ab%zz%");
  EXPECT_EQ(form_field("q=a b#c\xC3\xA9\"", "q"), "a b#c\xC3\xA9\"");
  EXPECT_EQ(form_field("q=%E2%82%AC", "q"), "\xE2\x82\xAC");
}

TEST(FormFieldTest, ParseFormKeepsOrderAndEmptyPairs) {
  const auto fields = parse_form("a=1&&b&c=");
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0].name, "a");
  EXPECT_EQ(fields[0].value, "1");
  EXPECT_TRUE(fields[0].has_value);
  EXPECT_EQ(fields[1].name, "");
  EXPECT_FALSE(fields[1].has_value);
  EXPECT_EQ(fields[2].name, "b");
  EXPECT_FALSE(fields[2].has_value);
  EXPECT_EQ(fields[3].name, "c");
  EXPECT_TRUE(fields[3].has_value);
}

TEST(FormFieldTest, RequestQueryParam) {
  http::Request req;
  req.query = "page=2&code=a+b%2Bc&page=3";
  EXPECT_EQ(req.query_param("page"), "2");
  EXPECT_EQ(req.query_param("code"), "a b+c");
  EXPECT_FALSE(req.query_param("size"));
}

}  // namespace
}  // namespace gatehouse
