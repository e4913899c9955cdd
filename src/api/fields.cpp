#include "api/fields.hpp"

#include <stdexcept>
#include <string>

namespace gatehouse::api {

std::size_t FieldSet::index_of(std::string_view name) const {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return i;
  }
  throw std::logic_error("field \"" + std::string(name) + "\" is not declared in " +
                         (schema_name.empty() ? std::string("the route's query")
                                              : std::string(schema_name)));
}

const Field& FieldSet::at(std::string_view name) const { return fields[index_of(name)]; }

}  // namespace gatehouse::api
