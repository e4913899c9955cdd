#pragma once
// Times one database statement into …_db_query_seconds{statement} (docs/metrics.md). The
// label is the statement's first keyword from a fixed list, never the SQL text itself.
#include <chrono>
#include <string_view>

namespace gatehouse::store {

class QueryTimer {
 public:
  explicit QueryTimer(std::string_view sql);
  ~QueryTimer();
  QueryTimer(const QueryTimer&) = delete;
  QueryTimer& operator=(const QueryTimer&) = delete;

 private:
  std::string_view kind_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace gatehouse::store
