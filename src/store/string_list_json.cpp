#include "store/string_list_json.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

namespace gatehouse::store {

std::string encode_string_list(const std::vector<std::string>& items) {
  return boost::json::serialize(boost::json::value_from(items));
}

std::optional<std::vector<std::string>> decode_string_list(const std::string& json) {
  boost::json::parse_options options;
  options.allow_invalid_utf8 = true;  // stored text is returned as it was written
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(json, ec, {}, options);
  if (ec) return std::nullopt;
  auto items = boost::json::try_value_to<std::vector<std::string>>(v);
  if (!items) return std::nullopt;
  return std::move(*items);
}

}  // namespace gatehouse::store
