#include "api/query_reader.hpp"

#include <cctype>
#include <charconv>

#include <stdexcept>

#include "api/body_reader.hpp"
#include "api/route_doc.hpp"
#include "http/json_text.hpp"

namespace gatehouse::api {

namespace {

std::optional<std::int64_t> to_int(const std::string& s) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

const FieldSet& query_fields(const http::Request& req) {
  const RouteDoc& doc = route_doc(req);
  if (!doc.query) throw std::logic_error("route " + req.route->pattern + " declares no query");
  return *doc.query;
}

// A declared default: JSON text of a number, a boolean or a string.
std::string_view fallback_text(const Field& f) {
  std::string_view v = f.fallback;
  if (v.size() >= 2 && v.front() == '"') v = v.substr(1, v.size() - 2);
  return v;
}

}  // namespace

QueryReader::QueryReader(const http::Request& req) : req_(req), fields_(query_fields(req)) {}

const Field& QueryReader::declared(const char* name, FieldType type) const {
  const Field& f = fields_.at(name);
  if (f.type != type) {
    throw std::logic_error(std::string("query parameter \"") + name +
                           "\" is read otherwise than it is declared");
  }
  return f;
}

std::optional<bool> bool_from_text(std::string_view text) {
  std::string v(text);
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v == "true" || v == "1" || v == "yes" || v == "on" || v == "t" || v == "y") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off" || v == "f" || v == "n") return false;
  return std::nullopt;
}

std::int64_t QueryReader::integer(const char* name) {
  const Field& f = declared(name, FieldType::kInteger);
  const std::int64_t fallback = to_int(std::string(fallback_text(f))).value_or(0);
  const std::int64_t min = f.minimum;
  const std::int64_t max = f.maximum;
  const auto raw = req_.query_param(name);
  if (!raw) return fallback;
  const auto v = to_int(*raw);
  if (!v) {
    errors_.push_back({"int_parsing",
                       {"query", name},
                       "Input should be a valid integer, unable to parse string as an integer",
                       http::json_string(*raw)});
    return fallback;
  }
  if (*v < min) {
    errors_.push_back({"greater_than_equal",
                       {"query", name},
                       "Input should be greater than or equal to " + std::to_string(min),
                       http::json_string(*raw),
                       "{\"ge\":" + std::to_string(min) + "}"});
    return fallback;
  }
  if (*v > max) {
    errors_.push_back({"less_than_equal",
                       {"query", name},
                       "Input should be less than or equal to " + std::to_string(max),
                       http::json_string(*raw),
                       "{\"le\":" + std::to_string(max) + "}"});
    return fallback;
  }
  return *v;
}

std::optional<std::int64_t> QueryReader::optional_integer(const char* name) {
  declared(name, FieldType::kInteger);
  const auto raw = req_.query_param(name);
  if (!raw) return std::nullopt;
  const auto v = to_int(*raw);
  if (!v) {
    errors_.push_back({"int_parsing",
                       {"query", name},
                       "Input should be a valid integer, unable to parse string as an integer",
                       http::json_string(*raw)});
  }
  return v;
}

std::optional<std::string> QueryReader::required_string(const char* name) {
  const int max_length = declared(name, FieldType::kString).max_length;
  auto raw = req_.query_param(name);
  if (!raw) {
    errors_.push_back({"missing", {"query", name}, "Field required", "null"});
    return std::nullopt;
  }
  return checked_string(name, std::move(*raw), max_length);
}

std::optional<std::string> QueryReader::checked_string(const char* name, std::string raw,
                                                       int max_length) {
  std::size_t chars = 0;
  for (char c : raw) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (max_length >= 0 && chars > static_cast<std::size_t>(max_length)) {
    errors_.push_back({"string_too_long",
                       {"query", name},
                       "String should have at most " + std::to_string(max_length) + " characters",
                       http::json_string(raw),
                       "{\"max_length\":" + std::to_string(max_length) + "}"});
    return std::nullopt;
  }
  // %00: refused as in JSON bodies (docs/decisions.md).
  if (raw.find('\0') != std::string::npos) {
    errors_.push_back(
        {"value_error", {"query", name}, kNulInString, http::json_string(raw), "{\"error\":{}}"});
    return std::nullopt;
  }
  return raw;
}

std::string QueryReader::string_or_default(const char* name) {
  const Field& f = declared(name, FieldType::kString);
  auto raw = req_.query_param(name);
  return raw ? *raw : std::string(fallback_text(f));
}

bool QueryReader::boolean(const char* name) {
  const bool fallback = fallback_text(declared(name, FieldType::kBoolean)) == "true";
  const auto raw = req_.query_param(name);
  if (!raw) return fallback;
  if (const auto v = bool_from_text(*raw)) return *v;
  errors_.push_back({"bool_parsing",
                     {"query", name},
                     "Input should be a valid boolean, unable to interpret input",
                     http::json_string(*raw)});
  return fallback;
}

std::optional<std::string> QueryReader::optional_string(const char* name) {
  const int max_length = declared(name, FieldType::kString).max_length;
  auto raw = req_.query_param(name);
  if (!raw) return std::nullopt;
  return checked_string(name, std::move(*raw), max_length);
}

std::optional<store::Timestamp> QueryReader::optional_datetime(const char* name) {
  declared(name, FieldType::kDateTime);
  auto raw = req_.query_param(name);
  if (!raw) return std::nullopt;
  auto at = store::parse_iso8601(*raw);
  if (!at) {
    errors_.push_back({"datetime_from_date_parsing",
                       {"query", name},
                       "Input should be a valid datetime, an ISO-8601 date and time with a time "
                       "zone",
                       http::json_string(*raw)});
  }
  return at;
}

void QueryReader::value_error(const char* name, const std::string& message) {
  const auto raw = req_.query_param(name);
  errors_.push_back({"value_error",
                     {"query", name},
                     "Value error, " + message,
                     raw ? http::json_string(*raw) : "null",
                     "{\"error\":{}}"});
}

Status QueryReader::finish() const {
  if (errors_.empty()) return ok();
  return Error::validation(errors_);
}

}  // namespace gatehouse::api
