#include "config/settings.hpp"

#include <algorithm>

#include "config/text.hpp"

namespace gatehouse::config {

std::string Settings::metrics_namespace() const {
  std::string ns = detail::to_lower(metadata.title);
  std::replace(ns.begin(), ns.end(), ' ', '_');
  return ns;
}

const char* environment_name(Environment e) {
  return e == Environment::kProduction ? "production" : "development";
}

}  // namespace gatehouse::config
