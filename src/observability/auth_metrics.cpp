#include "observability/auth_metrics.hpp"

#include <array>
#include <cstddef>
#include <iterator>

#include "observability/fixed_children.hpp"
#include "observability/metrics.hpp"
#include "observability/standard_metrics.hpp"

namespace gatehouse::obs {

namespace {

constexpr std::size_t kReasonCount = std::size(kAuthFailureReasons);
constexpr std::size_t kMethodCount = std::size(kAuthMethods);

// Position of `value` in `values`, or N when absent.
template <std::size_t N>
std::size_t index_of(const std::string_view (&values)[N], std::string_view value) {
  std::size_t i = 0;
  while (i < N && values[i] != value) ++i;
  return i;
}

// Every reason x method child, resolved once: counting takes no lock.
class AuthFailures {
 public:
  AuthFailures()
      : family_(metrics().counter(metrics_namespace() + "_auth_failures_total",
                                  "Total authentication failures by reason and method",
                                  {"reason", "method"})) {
    for (std::size_t r = 0; r < kReasonCount; ++r) {
      for (std::size_t m = 0; m < kMethodCount; ++m) {
        children_[(r * kMethodCount) + m] =
            &family_.with({kAuthFailureReasons[r], kAuthMethods[m]});
      }
    }
  }

  void inc(std::string_view reason, std::string_view method) {
    const std::size_t r = index_of(kAuthFailureReasons, reason);
    const std::size_t m = index_of(kAuthMethods, method);
    if (r < kReasonCount && m < kMethodCount) {
      children_[(r * kMethodCount) + m]->inc();
    } else {
      family_.inc({reason, method});  // outside the lists (a caller's bug): still counted
    }
  }

 private:
  Counter& family_;
  std::array<CounterChild*, kReasonCount * kMethodCount> children_{};
};

AuthFailures& auth_failures() {
  static AuthFailures counter;
  return counter;
}

FixedChildren<Counter, std::size(kLoginStatuses)>& login_attempts() {
  static FixedChildren counter(metrics().counter(metrics_namespace() + "_login_attempts_total",
                                                 "Total login attempts by status", {"status"}),
                               kLoginStatuses);
  return counter;
}

}  // namespace

void count_auth_failure(std::string_view reason, std::string_view method) {
  auth_failures().inc(reason, method);
}

void count_login_attempt(std::string_view status) { login_attempts()[status].inc(); }

void register_auth_metrics() {
  auth_failures();
  login_attempts();
}

}  // namespace gatehouse::obs
