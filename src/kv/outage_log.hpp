#pragma once
// OutageLog: says once that a dependency went away and once that it came back, instead of
// a line per failed request (a down Redis must not flood the log). Safe for concurrent use.
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "observability/log.hpp"

namespace gatehouse::kv {

class OutageLog {
 public:
  // `what` names the dependency in the messages, e.g. "Redis at 127.0.0.1:6379/0".
  OutageLog(obs::Category category, std::string what)
      : category_(category), what_(std::move(what)) {}

  // A failed operation. The first of an outage logs a warning with `cause` and
  // `consequence` (what Gatehouse does meanwhile, e.g. "rate limits fail open").
  void failed(std::string_view cause, std::string_view consequence);

  // A successful operation. The first after an outage logs how many operations failed.
  void succeeded();

  bool down() const { return down_.load(std::memory_order_relaxed); }

 private:
  obs::Category category_;
  std::string what_;
  std::atomic<bool> down_{false};
  std::atomic<std::uint64_t> failures_{0};
};

}  // namespace gatehouse::kv
