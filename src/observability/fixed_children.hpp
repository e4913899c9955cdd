#pragma once
// The children of a one-label family for a fixed list of label values, resolved once.
// Family::with() takes the family's shared lock on every call; a FixedChildren lookup is a
// short scan of a few string_views, so counting through one is lock-free. Building one
// registers every value (at 0), so the family lists them before the first event.
#include <array>
#include <cstddef>
#include <string_view>

#include "observability/metrics.hpp"

namespace gatehouse::obs {

template <class Family, std::size_t N>
class FixedChildren {
 public:
  using Child = typename Family::Child;

  FixedChildren(Family& family, const std::string_view (&values)[N])
      : family_(family), values_(values) {
    for (std::size_t i = 0; i < N; ++i) children_[i] = &family.with({values[i]});
  }

  // The child of `value`; a value outside the list (a caller's bug) still gets its own.
  Child& operator[](std::string_view value) {
    for (std::size_t i = 0; i < N; ++i) {
      if (values_[i] == value) return *children_[i];
    }
    return family_.with({value});
  }

 private:
  Family& family_;
  const std::string_view (&values_)[N];
  std::array<Child*, N> children_{};
};

}  // namespace gatehouse::obs
