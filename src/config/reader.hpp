#pragma once
// VariableReader: typed access to the merged variables, collecting every error and
// warning instead of stopping at the first (internal to src/config).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/loader.hpp"

namespace gatehouse::config::detail {

class VariableReader {
 public:
  VariableReader(const VariableMap& values, LoadResult& result);

  // The raw value, or nullptr when the variable is not set.
  const std::string* find(std::string_view name) const;
  // Set to a non-empty value.
  bool has_value(std::string_view name) const;

  // Each reader leaves `out` (the default) alone when the variable is not set. For
  // integers, booleans and choices an empty value counts as not set; strings take it.
  void read_string(std::string_view name, std::string& out) const;
  void read_bool(std::string_view name, bool& out);
  void read_int(std::string_view name, std::int64_t min, std::int64_t max, int& out);
  void read_uint64(std::string_view name, std::int64_t min, std::int64_t max, std::uint64_t& out);

  // Messages must start with the variable's name.
  void error(std::string message);
  void warning(std::string message);
  // "<NAME>: <what> (got "<value>")"; never use with a secret.
  void invalid(std::string_view name, std::string_view what, std::string_view value);

  bool has_errors() const;

 private:
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max);

  const VariableMap& values_;
  LoadResult& result_;
};

}  // namespace gatehouse::config::detail
