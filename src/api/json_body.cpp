#include "api/json_body.hpp"

#include <boost/json/parser.hpp>

#include "http/json_text.hpp"

namespace gatehouse::api {

namespace {

bool is_json_content_type(std::string_view ct) {
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
  if (http::iequals(ct, "application/json")) return true;
  return ct.size() > 17 && http::iequals(ct.substr(0, 12), "application/") &&
         http::iequals(ct.substr(ct.size() - 5), "+json");
}

Error missing_body() {
  return Error::validation({{"missing", {"body"}, "Field required", "null"}});
}

}  // namespace

Result<boost::json::object> parse_json_object(const http::Request& req) {
  const auto ct = req.headers.get("Content-Type");
  if (!ct || !is_json_content_type(*ct) || req.body.empty()) return missing_body();

  boost::json::parse_options options;
  options.max_depth = 64;
  boost::json::parser parser({}, options);
  boost::system::error_code ec;
  const std::size_t consumed = parser.write(req.body.data(), req.body.size(), ec);
  if (ec) {
    const std::size_t position = std::min(consumed, req.body.size());
    return Error::validation({{"json_invalid",
                               {"body", std::to_string(position)},
                               "JSON decode error",
                               "{}",
                               "{\"error\":" + http::json_string(ec.message()) + "}"}});
  }
  boost::json::value value = parser.release();
  if (!value.is_object()) {
    return Error::validation(
        {{"model_attributes_type",
          {"body"},
          "Input should be a valid dictionary or object to extract fields from",
          http::json_string(req.body.substr(0, 64))}});
  }
  return std::move(value.as_object());
}

Result<std::shared_ptr<const boost::json::object>> shared_json_object(const http::Request& req) {
  if (req.decoded_body)
    return std::static_pointer_cast<const boost::json::object>(req.decoded_body);
  auto parsed = parse_json_object(req);
  if (!parsed) return parsed.error();
  auto shared = std::make_shared<const boost::json::object>(std::move(*parsed));
  req.decoded_body = shared;
  return shared;
}

}  // namespace gatehouse::api
