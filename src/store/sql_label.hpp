#pragma once
// A short label for a SQL statement in error causes: enough to tell statements apart in a
// log line without copying whole SELECT lists (or migration scripts) into it.
#include <string>
#include <string_view>

namespace gatehouse::store {

inline std::string sql_label(std::string_view sql) {
  constexpr std::size_t kMax = 48;
  std::string out;
  for (const char c : sql.substr(0, kMax)) out.push_back(c == '\n' || c == '\t' ? ' ' : c);
  if (sql.size() > kMax) out += "...";
  return out;
}

}  // namespace gatehouse::store
