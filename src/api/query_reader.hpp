#pragma once
// Query-string parameters with pydantic's 422 shapes (loc ["query", name]). Each parameter
// is looked up in the route's declaration (api/route_doc.hpp), which gives its bounds and its
// default; reading an undeclared one, or one of another type, is a std::logic_error.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/fields.hpp"
#include "core/result.hpp"
#include "http/request.hpp"
#include "store/time.hpp"

namespace gatehouse::api {

// Pydantic's lax reading of a boolean written as text (query values, JSON strings):
// 1/true/t/yes/y/on and 0/false/f/no/n/off, letter case ignored; nullopt otherwise.
std::optional<bool> bool_from_text(std::string_view text);

class QueryReader {
 public:
  // Reads the query parameters declared for the route `req` matched.
  explicit QueryReader(const http::Request& req);

  // An integer within its declared bounds; its declared default when absent.
  std::int64_t integer(const char* name);
  // An integer without a default: nullopt when absent.
  std::optional<std::int64_t> optional_integer(const char* name);
  // A required string within its declared maximum length.
  std::optional<std::string> required_string(const char* name);
  // A string; its declared default when absent.
  std::string string_or_default(const char* name);
  // A boolean; its declared default when absent.
  bool boolean(const char* name);
  // A string without a default: nullopt when absent (or refused: too long, NUL).
  std::optional<std::string> optional_string(const char* name);
  // A date and time (declared kDateTime) as ISO-8601 with a time zone: nullopt when absent
  // or refused (pydantic's datetime_from_date_parsing error).
  std::optional<store::Timestamp> optional_datetime(const char* name);
  // Adds a value_error for `name` ("Value error, " + message): a rule across parameters.
  void value_error(const char* name, const std::string& message);

  Status finish() const;

 private:
  const Field& declared(const char* name, FieldType type) const;
  // `raw` when within `max_length` characters and free of NUL; otherwise an error and nullopt.
  std::optional<std::string> checked_string(const char* name, std::string raw, int max_length);

  const http::Request& req_;
  const FieldSet& fields_;
  std::vector<FieldError> errors_;
};

}  // namespace gatehouse::api
