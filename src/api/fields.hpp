#pragma once
// Declarations of the fields a route reads from its JSON body or its query string: name,
// type, whether it is required, its limits and its default. One declaration serves both
// the readers (api/body_reader.hpp, api/query_reader.hpp look every field up here and take
// its limits from it) and the OpenAPI document (api/openapi.hpp renders it as a schema), so
// the document cannot say something the reader does not do.
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

namespace gatehouse::api {

enum class FieldType {
  kString,
  kEmail,       // a string read as an email address (normalised, value_error when invalid)
  kPassword,    // a string the document marks as a password (format "password")
  kDateTime,    // a string holding an ISO-8601 date and time (format "date-time")
  kBoolean,
  kInteger,
  kStringList,  // list[str]
};

struct Field {
  std::string_view name;
  FieldType type = FieldType::kString;
  bool required = false;
  // Strings: limits in characters (code points); -1: none.
  int min_length = -1;
  int max_length = -1;
  // Integers: inclusive bounds.
  std::int64_t minimum = std::numeric_limits<std::int64_t>::min();
  std::int64_t maximum = std::numeric_limits<std::int64_t>::max();
  // The default as JSON text ("1", "false", "\"all\""); empty: none.
  std::string_view fallback;
  // Strings: the accepted values, when the set is closed.
  std::vector<std::string_view> choices;
  std::string_view description;
  // Optional body fields: null is accepted and means "absent" (pydantic's `X | None`).
  bool nullable = false;
};

// The fields of one body (a named schema in the document) or of one query string.
struct FieldSet {
  std::string_view schema_name;  // components/schemas name for bodies; empty for queries
  std::vector<Field> fields;
  std::string_view description;

  // The field called `name`. A read of an undeclared field is a programming error:
  // throws std::logic_error (the pipeline answers 500 and logs it; tests catch it).
  const Field& at(std::string_view name) const;
  // Its position in `fields` (for readers that track which fields were read).
  std::size_t index_of(std::string_view name) const;
};

}  // namespace gatehouse::api
