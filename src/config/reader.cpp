#include "config/reader.hpp"

#include <cassert>

#include "config/sources.hpp"
#include "config/text.hpp"
#include "config/values.hpp"

namespace gatehouse::config::detail {

VariableReader::VariableReader(const VariableMap& values, LoadResult& result)
    : values_(values), result_(result) {}

const std::string* VariableReader::find(std::string_view name) const {
  assert(is_known_variable(name) && "declare the variable in its SettingGroup");
  const auto it = values_.find(std::string(name));
  return it == values_.end() ? nullptr : &it->second;
}

bool VariableReader::has_value(std::string_view name) const {
  const std::string* v = find(name);
  return v != nullptr && !v->empty();
}

void VariableReader::read_string(std::string_view name, std::string& out) const {
  if (const std::string* v = find(name)) out = *v;
}

void VariableReader::read_bool(std::string_view name, bool& out) {
  if (!has_value(name)) return;
  const std::string& raw = *find(name);
  if (const auto b = parse_bool(raw)) {
    out = *b;
  } else {
    invalid(name, "must be true or false", raw);
  }
}

std::optional<std::int64_t> VariableReader::integer(std::string_view name, std::int64_t min,
                                                    std::int64_t max) {
  if (!has_value(name)) return std::nullopt;
  const std::string& raw = *find(name);
  const auto n = parse_integer(raw);
  if (!n || *n < min || *n > max) {
    invalid(name, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max),
            raw);
    return std::nullopt;
  }
  return n;
}

void VariableReader::read_int(std::string_view name, std::int64_t min, std::int64_t max, int& out) {
  if (const auto n = integer(name, min, max)) out = static_cast<int>(*n);
}

void VariableReader::read_uint64(std::string_view name, std::int64_t min, std::int64_t max,
                                 std::uint64_t& out) {
  if (const auto n = integer(name, min, max)) out = static_cast<std::uint64_t>(*n);
}

void VariableReader::error(std::string message) { result_.errors.push_back(std::move(message)); }

void VariableReader::warning(std::string message) {
  result_.warnings.push_back(std::move(message));
}

void VariableReader::invalid(std::string_view name, std::string_view what, std::string_view value) {
  error(std::string(name) + ": " + std::string(what) + " (got " + quote(value) + ")");
}

bool VariableReader::has_errors() const { return !result_.errors.empty(); }

}  // namespace gatehouse::config::detail
