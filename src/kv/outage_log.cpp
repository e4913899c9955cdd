#include "kv/outage_log.hpp"

namespace gatehouse::kv {

void OutageLog::failed(std::string_view cause, std::string_view consequence) {
  failures_.fetch_add(1, std::memory_order_relaxed);
  if (down_.exchange(true)) return;
  obs::warning(category_, "{} unavailable: {}; {} until it is back", what_, cause, consequence);
}

void OutageLog::succeeded() {
  if (!down_.load(std::memory_order_relaxed) || !down_.exchange(false)) return;
  obs::info(category_, "{} is available again ({} operations failed meanwhile)", what_,
            failures_.exchange(0));
}

}  // namespace gatehouse::kv
