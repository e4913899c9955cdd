#include "store/query_timer.hpp"

#include "observability/timing_metrics.hpp"

namespace gatehouse::store {

QueryTimer::QueryTimer(std::string_view sql)
    : kind_(obs::db_statement_kind(sql)), start_(std::chrono::steady_clock::now()) {}

QueryTimer::~QueryTimer() {
  obs::observe_db_query(
      kind_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
}

}  // namespace gatehouse::store
