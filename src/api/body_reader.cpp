#include "api/body_reader.hpp"

#include <boost/json/serialize.hpp>
#include <stdexcept>

#include "api/route_doc.hpp"

#include "api/query_reader.hpp"
#include "core/email_address.hpp"
#include "http/json_text.hpp"

namespace gatehouse::api {

namespace {

const FieldSet& body_fields(const http::Request& req) {
  const RouteDoc& doc = route_doc(req);
  if (!doc.body) throw std::logic_error("route " + req.route->pattern + " declares no body");
  return *doc.body;
}

bool is_text(FieldType t) {
  return t == FieldType::kString || t == FieldType::kPassword || t == FieldType::kDateTime;
}
bool is_email(FieldType t) { return t == FieldType::kEmail; }
bool is_boolean(FieldType t) { return t == FieldType::kBoolean; }
bool is_string_list(FieldType t) { return t == FieldType::kStringList; }

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace

std::string json_text(const boost::json::value& v) { return boost::json::serialize(v); }

BodyReader::BodyReader(const boost::json::object& body, const http::Request& req)
    : BodyReader(body, body_fields(req)) {}

BodyReader::BodyReader(const boost::json::object& body, const FieldSet& fields)
    : body_(body), fields_(fields), read_(fields.fields.size(), false) {}

const Field& BodyReader::declared(const char* field, bool required, bool (*type_fits)(FieldType)) {
  const std::size_t i = fields_.index_of(field);
  const Field& f = fields_.fields[i];
  if (f.required != required || !type_fits(f.type)) {
    throw std::logic_error(std::string("field \"") + field + "\" of " +
                           std::string(fields_.schema_name) +
                           " is read otherwise than it is declared");
  }
  read_[i] = true;
  return f;
}

const boost::json::value* BodyReader::find(const char* field) const {
  const auto it = body_.find(field);
  return it == body_.end() ? nullptr : &it->value();
}

void BodyReader::missing(const char* field) {
  errors_.push_back({"missing", {"body", field}, "Field required", json_text(body_)});
}

std::optional<std::string> BodyReader::string_value(const char* field, const boost::json::value& v,
                                                    int min_length, int max_length) {
  if (!v.is_string()) {
    errors_.push_back(
        {"string_type", {"body", field}, "Input should be a valid string", json_text(v)});
    return std::nullopt;
  }
  std::string s(v.as_string());
  const auto n = code_points(s);
  if (min_length >= 0 && n < static_cast<std::size_t>(min_length)) {
    const std::string unit = min_length == 1 ? " character" : " characters";
    errors_.push_back({"string_too_short",
                       {"body", field},
                       "String should have at least " + std::to_string(min_length) + unit,
                       json_text(v),
                       "{\"min_length\":" + std::to_string(min_length) + "}"});
    return std::nullopt;
  }
  if (max_length >= 0 && n > static_cast<std::size_t>(max_length)) {
    const std::string unit = max_length == 1 ? " character" : " characters";
    errors_.push_back({"string_too_long",
                       {"body", field},
                       "String should have at most " + std::to_string(max_length) + unit,
                       json_text(v),
                       "{\"max_length\":" + std::to_string(max_length) + "}"});
    return std::nullopt;
  }
  // U+0000 would be cut off by PostgreSQL's text parameters and by crypt(3) (bcrypt would
  // take "a\0b" for "a"): refused everywhere, so both backends and both hashes agree.
  if (s.find('\0') != std::string::npos) {
    errors_.push_back(
        {"value_error", {"body", field}, kNulInString, json_text(v), "{\"error\":{}}"});
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> BodyReader::email_value(const char* field, const boost::json::value& v) {
  auto s = string_value(field, v, -1, -1);
  if (!s) return std::nullopt;
  EmailCheck check = check_email(*s);
  if (!check.normalized) {
    errors_.push_back({"value_error",
                       {"body", field},
                       "value is not a valid email address: " + check.reason,
                       json_text(v),
                       "{\"reason\":" + http::json_string(check.reason) + "}"});
    return std::nullopt;
  }
  return check.normalized;
}

std::optional<std::string> BodyReader::required_string(const char* field) {
  const Field& f = declared(field, true, is_text);
  const int min_length = f.min_length;
  const int max_length = f.max_length;
  const auto* v = find(field);
  if (!v || v->is_null()) {
    if (!v) {
      missing(field);
    } else {
      string_value(field, *v, min_length, max_length);
    }
    return std::nullopt;
  }
  return string_value(field, *v, min_length, max_length);
}

std::optional<std::string> BodyReader::optional_string(const char* field) {
  const Field& f = declared(field, false, is_text);
  const auto* v = find(field);
  if (!v || v->is_null()) return std::nullopt;
  return string_value(field, *v, f.min_length, f.max_length);
}

std::optional<std::string> BodyReader::required_email(const char* field) {
  declared(field, true, is_email);
  const auto* v = find(field);
  if (!v) {
    missing(field);
    return std::nullopt;
  }
  return email_value(field, *v);
}

std::optional<bool> BodyReader::optional_bool(const char* field) {
  declared(field, false, is_boolean);
  const auto* v = find(field);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_bool()) return v->as_bool();
  // Pydantic's lax mode: 0/1 (numbers or text) and the words of bool_from_text() are
  // booleans too; other numbers and text are `bool_parsing`, anything else `bool_type`.
  std::optional<bool> lax;
  const bool scalar = v->is_number() || v->is_string();
  if (v->is_string()) {
    lax = bool_from_text(v->as_string());
  } else if (v->is_int64() && (v->as_int64() == 0 || v->as_int64() == 1)) {
    lax = v->as_int64() == 1;
  } else if (v->is_double() && (v->as_double() == 0.0 || v->as_double() == 1.0)) {
    lax = v->as_double() == 1.0;
  }
  if (lax) return lax;
  if (scalar) {
    errors_.push_back({"bool_parsing",
                       {"body", field},
                       "Input should be a valid boolean, unable to interpret input",
                       json_text(*v)});
  } else {
    errors_.push_back(
        {"bool_type", {"body", field}, "Input should be a valid boolean", json_text(*v)});
  }
  return std::nullopt;
}

std::optional<std::vector<std::string>> BodyReader::optional_string_list(const char* field) {
  declared(field, false, is_string_list);
  const auto* v = find(field);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_array()) {
    errors_.push_back(
        {"list_type", {"body", field}, "Input should be a valid list", json_text(*v)});
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool all_strings = true;
  const auto& items = v->as_array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_string()) {
      errors_.push_back({"string_type",
                         {"body", field, std::to_string(i)},
                         "Input should be a valid string",
                         json_text(items[i])});
      all_strings = false;
      continue;
    }
    out.emplace_back(items[i].as_string());
  }
  if (!all_strings) return std::nullopt;
  return out;
}

void BodyReader::value_error(const char* field, const std::string& message) {
  const auto* v = find(field);
  errors_.push_back({"value_error",
                     {"body", field},
                     "Value error, " + message,
                     v ? json_text(*v) : "null",
                     "{\"error\":{}}"});
}

Status BodyReader::finish() const {
  for (std::size_t i = 0; i < read_.size(); ++i) {
    if (!read_[i]) {
      throw std::logic_error("field \"" + std::string(fields_.fields[i].name) + "\" of " +
                             std::string(fields_.schema_name) + " is declared but never read");
    }
  }
  if (errors_.empty()) return gatehouse::ok();
  return Error::validation(errors_);
}

}  // namespace gatehouse::api
