#pragma once
// Query-string parameters with pydantic's 422 shapes (loc ["query", name]).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "http/request.hpp"

namespace gatehouse::api {

// Pydantic's lax reading of a boolean written as text (query values, JSON strings):
// 1/true/t/yes/y/on and 0/false/f/no/n/off, letter case ignored; nullopt otherwise.
std::optional<bool> bool_from_text(std::string_view text);

class QueryReader {
 public:
  explicit QueryReader(const http::Request& req) : req_(req) {}

  // An integer within [min, max], `fallback` when absent.
  int integer(const char* name, int fallback, int min, int max);
  std::optional<std::int64_t> optional_integer(const char* name);
  std::optional<std::string> required_string(const char* name, int max_length = -1);
  std::string string_or(const char* name, std::string fallback);
  bool boolean(const char* name, bool fallback);

  Status finish() const;

 private:
  const http::Request& req_;
  std::vector<FieldError> errors_;
};

}  // namespace gatehouse::api
