// parse_json_object: JSON request bodies the way FastAPI reads them (strict content type,
// 422 json_invalid with the byte position, 422 model_attributes_type for non-objects);
// BodyReader's fields read as pydantic reads them.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/body_reader.hpp"
#include "api/json_body.hpp"
#include "core/error.hpp"
#include "http/error_response.hpp"

namespace gatehouse::api {
namespace {

http::Request make(std::string body, const char* content_type = "application/json") {
  http::Request req;
  req.method = "POST";
  req.path = "/register/";
  if (content_type != nullptr) req.headers.set("Content-Type", content_type);
  req.body = std::move(body);
  return req;
}

void expect_missing_body(const Result<boost::json::object>& r) {
  ASSERT_FALSE(r);
  const Error& e = r.error();
  EXPECT_EQ(e.code, ErrorCode::kValidationFailed);
  ASSERT_EQ(e.fields.size(), 1u);
  EXPECT_EQ(e.fields[0].type, "missing");
  EXPECT_EQ(e.fields[0].loc, (std::vector<std::string>{"body"}));
  EXPECT_EQ(e.fields[0].msg, "Field required");
  EXPECT_EQ(e.fields[0].input_json, "null");
}

// Checks the json_invalid shape and returns the reported byte position.
long long expect_json_invalid(const Result<boost::json::object>& r) {
  EXPECT_FALSE(r);
  if (r) return -1;
  const Error& e = r.error();
  EXPECT_EQ(e.code, ErrorCode::kValidationFailed);
  EXPECT_EQ(e.fields.size(), 1u);
  if (e.fields.size() != 1) return -1;
  const FieldError& f = e.fields[0];
  EXPECT_EQ(f.type, "json_invalid");
  EXPECT_EQ(f.msg, "JSON decode error");
  EXPECT_EQ(f.input_json, "{}");
  EXPECT_EQ(f.loc.size(), 2u);
  if (f.loc.size() != 2) return -1;
  EXPECT_EQ(f.loc[0], "body");
  // ctx is {"error": "<message>"}.
  boost::system::error_code ec;
  const boost::json::value ctx = boost::json::parse(f.ctx_json, ec);
  EXPECT_FALSE(ec) << f.ctx_json;
  EXPECT_TRUE(ctx.is_object() && ctx.as_object().contains("error") && ctx.at("error").is_string() &&
              !ctx.at("error").as_string().empty())
      << f.ctx_json;
  // The rendered response has the position as a number.
  const http::Response resp = http::error_response(e);
  EXPECT_EQ(resp.status, 422);
  const boost::json::value body = boost::json::parse(resp.body, ec);
  EXPECT_FALSE(ec) << resp.body;
  if (ec) return -1;
  const auto& loc = body.at("detail").as_array()[0].at("loc").as_array();
  EXPECT_TRUE(loc[1].is_int64()) << resp.body;
  return loc[1].is_int64() ? loc[1].as_int64() : -1;
}

void expect_model_attributes_type(const Result<boost::json::object>& r) {
  ASSERT_FALSE(r);
  const Error& e = r.error();
  EXPECT_EQ(e.code, ErrorCode::kValidationFailed);
  ASSERT_EQ(e.fields.size(), 1u);
  EXPECT_EQ(e.fields[0].type, "model_attributes_type");
  EXPECT_EQ(e.fields[0].loc, (std::vector<std::string>{"body"}));
  EXPECT_EQ(e.fields[0].msg, "Input should be a valid dictionary or object to extract fields from");
  boost::system::error_code ec;
  boost::json::parse(e.fields[0].input_json, ec);
  EXPECT_FALSE(ec) << e.fields[0].input_json;
}

TEST(JsonBodyTest, ParsesObject) {
  const auto r = parse_json_object(make(R"({"email":"a@b.c","n":1,"x":[true,null]})"));
  ASSERT_TRUE(r) << r.error().fields.size();
  EXPECT_EQ(r->size(), 3u);
  EXPECT_EQ(std::string(r->at("email").as_string()), "a@b.c");
  EXPECT_EQ(r->at("n").as_int64(), 1);
  EXPECT_TRUE(r->at("x").as_array()[1].is_null());
}

TEST(JsonBodyTest, ParsesEmptyObjectAndSurroundingWhitespace) {
  const auto r = parse_json_object(make(" \n{ }\t\r\n"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->empty());
}

TEST(JsonBodyTest, KeepsValidUtf8AndEscapes) {
  const auto r = parse_json_object(make("{\"name\":\"caf\xC3\xA9 \\u00e9 \\ud83d\\ude00\"}"));
  ASSERT_TRUE(r);
  EXPECT_EQ(std::string(r->at("name").as_string()), "caf\xC3\xA9 \xC3\xA9 \xF0\x9F\x98\x80");
}

TEST(JsonBodyTest, AcceptedContentTypes) {
  for (const char* ct :
       {"application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8",
        "Application/JSON", "application/vnd.api+json", "application/merge-patch+json",
        "application/vnd.api+json; charset=utf-8"}) {
    const auto r = parse_json_object(make("{\"a\":1}", ct));
    EXPECT_TRUE(r) << ct;
  }
}

TEST(JsonBodyTest, OtherContentTypesAreAMissingBody) {
  for (const char* ct : {"text/plain", "text/json", "application/x-www-form-urlencoded",
                         "multipart/form-data; boundary=x", "application/jsonp",
                         "application/json-patch", "", "json", "application/+json"}) {
    SCOPED_TRACE(ct);
    expect_missing_body(parse_json_object(make("{\"a\":1}", ct)));
  }
}

TEST(JsonBodyTest, NoContentTypeIsAMissingBody) {
  expect_missing_body(parse_json_object(make("{\"a\":1}", nullptr)));
}

TEST(JsonBodyTest, EmptyBodyIsAMissingBody) {
  expect_missing_body(parse_json_object(make("")));
  expect_missing_body(parse_json_object(make("", nullptr)));
}

TEST(JsonBodyTest, MissingBodyRendersAsPydanticList) {
  const auto r = parse_json_object(make("", nullptr));
  ASSERT_FALSE(r);
  const http::Response resp = http::error_response(r.error());
  EXPECT_EQ(resp.status, 422);
  EXPECT_EQ(resp.body,
            "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\"],\"msg\":\"Field required\","
            "\"input\":null}]}");
}

TEST(JsonBodyTest, NonObjectsAreModelAttributesType) {
  for (const char* body : {"[1,2]", "[]", "42", "-1.5", "\"text\"", "true", "null"}) {
    SCOPED_TRACE(body);
    expect_model_attributes_type(parse_json_object(make(body)));
  }
}

TEST(JsonBodyTest, NonObjectInputIsTruncatedAndValidJson) {
  std::string big = "[";
  for (int i = 0; i < 100; ++i) big += "\"\xC3\xA9\xC3\xA9\",";
  big += "1]";
  const auto r = parse_json_object(make(big));
  expect_model_attributes_type(r);
  ASSERT_FALSE(r);
  EXPECT_LT(r.error().fields[0].input_json.size(), 100u);
}

TEST(JsonBodyTest, MalformedJsonIsJsonInvalid) {
  for (const char* body :
       {"{", "{\"a\":}", "{\"a\" 1}", "{'a':1}", "{\"a\":1,}", "nope", "{\"a\":tru}", "   "}) {
    SCOPED_TRACE(body);
    const long long pos = expect_json_invalid(parse_json_object(make(body)));
    EXPECT_GE(pos, 0);
    EXPECT_LE(pos, static_cast<long long>(std::string(body).size()));
  }
}

TEST(JsonBodyTest, JsonInvalidPositionIsWhereParsingStopped) {
  // The error is at byte 6 (the '}'), as Python's json module reports for FastAPI.
  EXPECT_EQ(expect_json_invalid(parse_json_object(make("{\"a\": }"))), 6);
  // An unterminated object: the parser stopped at the end.
  EXPECT_EQ(expect_json_invalid(parse_json_object(make("{\"a\": 1"))), 7);
}

TEST(JsonBodyTest, JsonInvalidRendersCtxError) {
  const auto r = parse_json_object(make("{\"a\":}"));
  ASSERT_FALSE(r);
  const http::Response resp = http::error_response(r.error());
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(resp.body, ec);
  ASSERT_FALSE(ec) << resp.body;
  const auto& item = v.at("detail").as_array()[0].as_object();
  EXPECT_EQ(std::string(item.at("type").as_string()), "json_invalid");
  EXPECT_EQ(std::string(item.at("loc").as_array()[0].as_string()), "body");
  EXPECT_TRUE(item.at("input").is_object());
  EXPECT_TRUE(item.at("input").as_object().empty());
  ASSERT_TRUE(item.contains("ctx"));
  EXPECT_TRUE(item.at("ctx").at("error").is_string());
}

TEST(JsonBodyTest, InvalidUtf8InsideStringIsJsonInvalid) {
  for (const std::string& body :
       {std::string("{\"a\":\"\xff\"}"), std::string("{\"a\":\"\xC0\xAF\"}"),
        std::string("{\"a\":\"\xED\xA0\x80\"}"), std::string("{\"\x80\":1}")}) {
    SCOPED_TRACE(body);
    const long long pos = expect_json_invalid(parse_json_object(make(body)));
    EXPECT_GE(pos, 0);
  }
}

TEST(JsonBodyTest, TrailingGarbageIsJsonInvalid) {
  for (const char* body : {"{} x", "{\"a\":1}}", "{}{}", "{\"a\":1} []"}) {
    SCOPED_TRACE(body);
    const long long pos = expect_json_invalid(parse_json_object(make(body)));
    EXPECT_GE(pos, 2);
  }
  // An embedded NUL after the object.
  expect_json_invalid(parse_json_object(make(std::string("{}\0", 3))));
}

TEST(JsonBodyTest, DeepNestingIsJsonInvalidNotACrash) {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "{\"a\":";
  deep += "1";
  for (int i = 0; i < 100; ++i) deep += "}";
  expect_json_invalid(parse_json_object(make(deep)));

  std::string arrays = "{\"a\":";
  for (int i = 0; i < 100000; ++i) arrays += "[";
  expect_json_invalid(parse_json_object(make(arrays)));
}

TEST(JsonBodyTest, ModerateNestingIsAccepted) {
  std::string nested;
  for (int i = 0; i < 30; ++i) nested += "{\"a\":";
  nested += "1";
  for (int i = 0; i < 30; ++i) nested += "}";
  EXPECT_TRUE(parse_json_object(make(nested)));
}

TEST(JsonBodyTest, DuplicateKeysDoNotCrash) {
  const auto r = parse_json_object(make("{\"a\":1,\"a\":2}"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->contains("a"));
}

// A boolean field in pydantic's (default) lax mode: JSON booleans, 0 and 1, and the words
// true/false, t/f, yes/no, y/n, on/off, 1/0 in any letter case; other numbers and text are
// bool_parsing, anything else bool_type.
const FieldSet kFlagBody{.schema_name = "Flag",
                         .fields = {{.name = "flag", .type = FieldType::kBoolean},
                                    {.name = "other", .type = FieldType::kBoolean}}};

TEST(BodyReaderTest, OptionalBoolIsPydanticsLaxBoolean) {
  const std::vector<std::pair<std::string, bool>> accepted = {
      {"true", true},     {"false", false},  {"1", true},         {"0", false},
      {"1.0", true},      {"0.0", false},    {R"("true")", true}, {R"("False")", false},
      {R"("YES")", true}, {R"("n")", false}, {R"("on")", true},   {R"("off")", false},
      {R"("1")", true},   {R"("0")", false}, {R"("t")", true},    {R"("F")", false}};
  for (const auto& [text, expected] : accepted) {
    const auto body = parse_json_object(make(R"({"flag":)" + text + "}"));
    ASSERT_TRUE(body) << text;
    BodyReader r(*body, kFlagBody);
    EXPECT_EQ(r.optional_bool("flag"), expected) << text;
    EXPECT_TRUE(r.ok()) << text;
  }
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"2", "bool_parsing"},     {"-1", "bool_parsing"},
      {"0.5", "bool_parsing"},   {R"("maybe")", "bool_parsing"},
      {R"("")", "bool_parsing"}, {R"(" true")", "bool_parsing"},
      {"[]", "bool_type"},       {"{}", "bool_type"}};
  for (const auto& [text, type] : refused) {
    const auto body = parse_json_object(make(R"({"flag":)" + text + "}"));
    ASSERT_TRUE(body) << text;
    BodyReader r(*body, kFlagBody);
    EXPECT_FALSE(r.optional_bool("flag")) << text;
    r.optional_bool("other");
    const Status s = r.finish();
    ASSERT_FALSE(s) << text;
    ASSERT_EQ(s.error().fields.size(), 1u);
    EXPECT_EQ(s.error().fields[0].type, type) << text;
    EXPECT_EQ(s.error().fields[0].loc, (std::vector<std::string>{"body", "flag"}));
  }
  // Absent and null are "not given".
  const auto body = parse_json_object(make(R"({"flag":null})"));
  ASSERT_TRUE(body);
  BodyReader r(*body, kFlagBody);
  EXPECT_FALSE(r.optional_bool("flag"));
  EXPECT_FALSE(r.optional_bool("other"));
  EXPECT_TRUE(r.ok());
}

// PostgreSQL's text parameters and crypt(3) stop at U+0000: a string holding one is refused
// for every field, so both backends store the same thing and bcrypt cannot take "a\0b" for
// "a".
TEST(BodyReaderTest, StringsWithNulAreRefused) {
  const auto body = parse_json_object(make(R"({"name":"a\u0000b","password":"x\u0000","ok":"a"})"));
  ASSERT_TRUE(body);
  const FieldSet fields{
      .schema_name = "Strings",
      .fields = {{.name = "name", .required = true, .min_length = 1, .max_length = 50},
                 {.name = "password", .type = FieldType::kPassword},
                 {.name = "ok", .required = true}}};
  BodyReader r(*body, fields);
  EXPECT_FALSE(r.required_string("name"));
  EXPECT_FALSE(r.optional_string("password"));
  EXPECT_EQ(r.required_string("ok"), "a");
  const Status s = r.finish();
  ASSERT_FALSE(s);
  ASSERT_EQ(s.error().fields.size(), 2u);
  for (const auto& f : s.error().fields) {
    EXPECT_EQ(f.type, "value_error");
    EXPECT_EQ(f.msg, "Value error, String must not contain NUL characters");
  }
  EXPECT_EQ(s.error().fields[0].loc, (std::vector<std::string>{"body", "name"}));
}

// The declaration is the reader's only source of limits, and the reader keeps to it: a field
// read but not declared, read as another type, or declared but never read is a bug that
// would let the OpenAPI document and the route disagree.
TEST(BodyReaderTest, LimitsComeFromTheDeclaration) {
  const FieldSet fields{.schema_name = "Named",
                        .fields = {{.name = "name", .required = true, .max_length = 3}}};
  const auto body = parse_json_object(make(R"({"name":"abcd"})"));
  ASSERT_TRUE(body);
  BodyReader r(*body, fields);
  EXPECT_FALSE(r.required_string("name"));
  const Status s = r.finish();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().fields.at(0).type, "string_too_long");
}

TEST(BodyReaderTest, ReadingAnUndeclaredFieldIsABug) {
  const FieldSet fields{.schema_name = "Named", .fields = {{.name = "name", .required = true}}};
  const auto body = parse_json_object(make(R"({"name":"a","extra":"b"})"));
  ASSERT_TRUE(body);
  BodyReader r(*body, fields);
  EXPECT_THROW(r.optional_string("extra"), std::logic_error);
  EXPECT_THROW(r.optional_string("name"), std::logic_error) << "declared required";
  EXPECT_THROW(r.optional_bool("name"), std::logic_error) << "declared a string";
}

TEST(BodyReaderTest, LeavingADeclaredFieldUnreadIsABug) {
  const FieldSet fields{.schema_name = "Pair",
                        .fields = {{.name = "a", .required = true}, {.name = "b"}}};
  const auto body = parse_json_object(make(R"({"a":"x"})"));
  ASSERT_TRUE(body);
  BodyReader r(*body, fields);
  EXPECT_EQ(r.required_string("a"), "x");
  EXPECT_THROW((void)r.finish(), std::logic_error);
  r.optional_string("b");
  EXPECT_TRUE(r.finish());
}

}  // namespace
}  // namespace gatehouse::api

namespace gatehouse::api {
namespace {

TEST(SharedJsonObject, ParsedOncePerRequest) {
  const http::Request req = make(R"({"email":"a@b.c"})");
  const auto first = shared_json_object(req);
  ASSERT_TRUE(first);
  const auto second = shared_json_object(req);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->get(), second->get()) << "the second reader shares the first one's object";
  EXPECT_EQ((*second)->at("email").as_string(), "a@b.c");
  // A body that does not parse is not kept: each reader gets the same 422.
  const http::Request bad = make("{");
  EXPECT_FALSE(shared_json_object(bad));
  EXPECT_FALSE(shared_json_object(bad));
  EXPECT_EQ(bad.decoded_body, nullptr);
}

}  // namespace
}  // namespace gatehouse::api
