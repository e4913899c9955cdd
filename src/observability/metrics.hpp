#pragma once
// A small, thread-safe metrics registry rendered in the Prometheus text exposition format
// 0.0.4 (what prometheus_client serves in the FastAPI template; docs/http-api.md §8).
//
// Model: a Registry holds metric families (Counter, Gauge, Histogram, Summary), each with a
// fixed list of label names; a family holds one child per distinct set of label values.
//
// Hot paths: updating a child is lock-free (relaxed atomics). Looking a child up by label
// values takes the family's shared lock (exclusive only the first time a label set is
// seen), so on hot paths resolve the child once and keep the reference:
//
//   auto& rejected = metrics().counter("api_template_http_rejected_total",
//                                      "Requests rejected before routing", {"reason"});
//   static auto& timeouts = rejected.with({"timeout"});  // references stay valid forever
//   timeouts.inc();
//
// Families and children are never removed, so references stay valid for the registry's
// lifetime. Names are used exactly as given: the caller adds the namespace prefix and, for
// counters, the "_total" suffix (both HELP/TYPE and sample lines use the name as given,
// as prometheus_client does in format 0.0.4).
//
// Programming errors (invalid metric or label name, wrong number of label values,
// re-registering a name with another type/labels/buckets, unsorted buckets) throw
// std::invalid_argument.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::obs {

// Content-Type of render()'s output.
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

// Common part of every family: name, help, label names, and rendering.
class MetricFamily {
 public:
  MetricFamily(std::string name, std::string help, std::vector<std::string> label_names);
  virtual ~MetricFamily() = default;
  MetricFamily(const MetricFamily&) = delete;
  MetricFamily& operator=(const MetricFamily&) = delete;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // "counter", "gauge", "histogram" or "summary".
  virtual std::string_view type() const = 0;
  // Appends the HELP and TYPE lines and every sample line.
  virtual void render(std::string& out) const = 0;

 protected:
  void check_label_count(std::size_t count) const;

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
};

namespace detail {

// Orders label-value lists; transparent so lookups need no std::string allocation.
struct LabelValuesLess {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return std::lexicographical_compare(
        a.begin(), a.end(), b.begin(), b.end(),
        [](std::string_view x, std::string_view y) { return x < y; });
  }
};

// Family with children of type Child, created on first use of a label set.
template <class Child>
class FamilyOf : public MetricFamily {
 public:
  using MetricFamily::MetricFamily;

  // The child for these label values (one per label name, in order).
  Child& with(std::initializer_list<std::string_view> label_values) {
    return child(std::span<const std::string_view>(label_values.begin(), label_values.size()));
  }
  Child& with(const std::vector<std::string>& label_values) {
    std::vector<std::string_view> views(label_values.begin(), label_values.end());
    return child(views);
  }

 protected:
  virtual std::unique_ptr<Child> new_child() const = 0;

  // Calls fn(label_values, child) for every child, in label-value order.
  template <class Fn>
  void for_each_child(Fn&& fn) const {
    std::shared_lock lock(mutex_);
    for (const auto& [values, child_ptr] : children_) fn(values, *child_ptr);
  }

 private:
  Child& child(std::span<const std::string_view> values) {
    check_label_count(values.size());
    {
      std::shared_lock lock(mutex_);
      if (auto it = children_.find(values); it != children_.end()) return *it->second;
    }
    std::unique_lock lock(mutex_);
    auto it = children_.find(values);
    if (it == children_.end()) {
      it = children_.emplace(std::vector<std::string>(values.begin(), values.end()), new_child())
               .first;
    }
    return *it->second;
  }

  mutable std::shared_mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Child>, LabelValuesLess> children_;
};

}  // namespace detail

// Monotonic counter.
class CounterChild {
 public:
  // Adds n (n >= 0; a negative or NaN n is ignored, counters never go down).
  void inc(double n = 1.0) noexcept;
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Counter final : public detail::FamilyOf<CounterChild> {
 public:
  using Child = CounterChild;
  using FamilyOf::FamilyOf;
  // Shorthand for with(label_values).inc(n); on hot paths keep the child instead.
  void inc(std::initializer_list<std::string_view> label_values = {}, double n = 1.0) {
    with(label_values).inc(n);
  }
  std::string_view type() const override { return "counter"; }
  void render(std::string& out) const override;

 protected:
  std::unique_ptr<CounterChild> new_child() const override;
};

// Value that goes up and down.
class GaugeChild {
 public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void inc(double n = 1.0) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  void dec(double n = 1.0) noexcept { value_.fetch_sub(n, std::memory_order_relaxed); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge final : public detail::FamilyOf<GaugeChild> {
 public:
  using Child = GaugeChild;
  using FamilyOf::FamilyOf;
  std::string_view type() const override { return "gauge"; }
  void render(std::string& out) const override;

 protected:
  std::unique_ptr<GaugeChild> new_child() const override;
};

// Histogram with fixed upper bounds (the last one is always +Inf).
class HistogramChild {
 public:
  explicit HistogramChild(const std::vector<double>& upper_bounds);
  // Counts v in the first bucket whose upper bound is >= v (NaN counts in +Inf) and adds v
  // to the sum.
  void observe(double v) noexcept;
  // Cumulative counts, one per upper bound (the last is the total count).
  std::vector<std::uint64_t> cumulative_counts() const;
  std::uint64_t count() const;
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double>& upper_bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // per bucket, not cumulative
  std::atomic<double> sum_{0.0};
};

class Histogram final : public detail::FamilyOf<HistogramChild> {
 public:
  using Child = HistogramChild;
  // `buckets`: strictly increasing upper bounds; +Inf is appended when missing.
  Histogram(std::string name, std::string help, std::vector<std::string> label_names,
            std::vector<double> buckets);
  void observe(std::initializer_list<std::string_view> label_values, double v) {
    with(label_values).observe(v);
  }
  // The upper bounds, ending with +Inf.
  const std::vector<double>& upper_bounds() const { return upper_bounds_; }
  std::string_view type() const override { return "histogram"; }
  void render(std::string& out) const override;

 protected:
  std::unique_ptr<HistogramChild> new_child() const override;

 private:
  std::vector<double> upper_bounds_;
};

// Summary without quantiles: count and sum (as prometheus_client's Summary).
class SummaryChild {
 public:
  void observe(double v) noexcept;
  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

class Summary final : public detail::FamilyOf<SummaryChild> {
 public:
  using Child = SummaryChild;
  Summary(std::string name, std::string help, std::vector<std::string> label_names);
  void observe(std::initializer_list<std::string_view> label_values, double v) {
    with(label_values).observe(v);
  }
  std::string_view type() const override { return "summary"; }
  void render(std::string& out) const override;

 protected:
  std::unique_ptr<SummaryChild> new_child() const override;
};

// A set of families, rendered in registration order. Thread-safe.
class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Each returns the family registered under `name`, creating it on first call. Calling
  // again with the same name, type, label names (and buckets) returns the same family.
  Counter& counter(std::string_view name, std::string_view help,
                   std::vector<std::string> label_names = {});
  Gauge& gauge(std::string_view name, std::string_view help,
               std::vector<std::string> label_names = {});
  Histogram& histogram(std::string_view name, std::string_view help,
                       std::vector<std::string> label_names, std::vector<double> buckets);
  Summary& summary(std::string_view name, std::string_view help,
                   std::vector<std::string> label_names = {});

  // Prometheus text format 0.0.4 of every family (families without children still get
  // their HELP and TYPE lines; unlabelled families always have their one child).
  std::string render() const;

 private:
  template <class Family, class Make>
  Family& find_or_add(std::string_view name, Make&& make);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<MetricFamily>> families_;
};

// The process-wide registry (the server has one /metrics endpoint). Tests that need
// isolation construct their own Registry.
Registry& metrics();

// Formats a sample value as prometheus_client does: 1.0, 0.25, 1e-05, +Inf, -Inf, NaN.
std::string format_metric_value(double v);

}  // namespace gatehouse::obs
