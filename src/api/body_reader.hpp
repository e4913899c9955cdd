#pragma once
// Reads fields of a JSON request body with pydantic v2's validation errors, so clients of
// the Python template see the same 422 bodies: every failure is collected, then finish()
// returns one Error with the list (type, loc ["body", field], msg, input, ctx).
//
// Every field is looked up in the route's declaration (api/fields.hpp, api/route_doc.hpp),
// which gives its limits: the OpenAPI document is rendered from the same declaration. Reading
// a field that is not declared, with the wrong type or required-ness, or leaving a declared
// field unread at finish() is a programming error (std::logic_error).
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/fields.hpp"
#include "core/result.hpp"
#include "http/request.hpp"

namespace gatehouse::api {

// The 422 `msg` for a string holding U+0000, in bodies and query strings alike: PostgreSQL's
// text parameters and crypt(3) would cut it short (docs/decisions.md).
inline constexpr const char* kNulInString = "Value error, String must not contain NUL characters";

class BodyReader {
 public:
  // Reads `body` as the JSON body declared for the route `req` matched.
  BodyReader(const boost::json::object& body, const http::Request& req);
  BodyReader(const boost::json::object& body, const FieldSet& fields);

  // A required string, within the declared limits (characters).
  std::optional<std::string> required_string(const char* field);
  // An optional string: nullopt when absent or null.
  std::optional<std::string> optional_string(const char* field);
  // A required email (EmailStr): normalised (domain lower-cased).
  std::optional<std::string> required_email(const char* field);
  // An optional boolean, read as pydantic's lax mode does (bool_from_text(), 0 and 1).
  std::optional<bool> optional_bool(const char* field);
  // An optional list of strings (`list[str] | None`): nullopt when absent or null; a
  // non-list is `list_type`, a non-string item `string_type` at loc [body, field, index].
  std::optional<std::vector<std::string>> optional_string_list(const char* field);

  // Adds a value_error for `field` ("Value error, " + message), e.g. a password rule.
  void value_error(const char* field, const std::string& message);

  bool ok() const { return errors_.empty(); }
  // The collected errors as one 422, or ok().
  Status finish() const;

 private:
  // The declaration of `field`, checked against how it is read; marks it read.
  const Field& declared(const char* field, bool required, bool (*type_fits)(FieldType));
  const boost::json::value* find(const char* field) const;
  void missing(const char* field);
  std::optional<std::string> string_value(const char* field, const boost::json::value& v,
                                          int min_length, int max_length);
  std::optional<std::string> email_value(const char* field, const boost::json::value& v);

  const boost::json::object& body_;
  const FieldSet& fields_;
  std::vector<bool> read_;
  std::vector<FieldError> errors_;
};

// Serialises a JSON value (for FieldError::input_json).
std::string json_text(const boost::json::value& v);

}  // namespace gatehouse::api
