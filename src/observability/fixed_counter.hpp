#pragma once
// The children of a one-label counter for a fixed list of label values, resolved once.
// Registry::with() takes the family's shared lock on every call; counting through a
// FixedCounter is a short scan of a few string_views and one relaxed atomic add. Building
// one registers every value at 0, so the family lists them before the first event.
#include <array>
#include <cstddef>
#include <string_view>

#include "observability/metrics.hpp"

namespace gatehouse::obs {

template <std::size_t N>
class FixedCounter {
 public:
  FixedCounter(Counter& family, const std::string_view (&values)[N])
      : family_(family), values_(values) {
    for (std::size_t i = 0; i < N; ++i) children_[i] = &family.with({values[i]});
  }

  void inc(std::string_view value) {
    for (std::size_t i = 0; i < N; ++i) {
      if (values_[i] == value) {
        children_[i]->inc();
        return;
      }
    }
    family_.inc({value});  // a value outside the list (a caller's bug) still counts
  }

 private:
  Counter& family_;
  const std::string_view (&values_)[N];
  std::array<CounterChild*, N> children_{};
};

}  // namespace gatehouse::obs
