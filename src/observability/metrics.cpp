#include "observability/metrics.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

namespace gatehouse::obs {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || name.substr(0, 2) == "__") return false;  // "__" is reserved
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void append_help(std::string& out, const MetricFamily& family) {
  out += "# HELP ";
  out += family.name();
  out += ' ';
  for (char c : family.help()) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += "\n# TYPE ";
  out += family.name();
  out += ' ';
  out += family.type();
  out += '\n';
}

void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

// `{name}{suffix}{labels[,extra]} {value}\n`
void append_sample(std::string& out, const MetricFamily& family, std::string_view suffix,
                   const std::vector<std::string>& values, double value,
                   std::string_view extra_name = {}, std::string_view extra_value = {}) {
  out += family.name();
  out += suffix;
  const auto& names = family.label_names();
  if (!names.empty() || !extra_name.empty()) {
    out += '{';
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i > 0) out += ',';
      out += names[i];
      out += "=\"";
      append_label_value(out, values[i]);
      out += '"';
    }
    if (!extra_name.empty()) {
      if (!names.empty()) out += ',';
      out += extra_name;
      out += "=\"";
      append_label_value(out, extra_value);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  out += format_metric_value(value);
  out += '\n';
}

void check_label_names(const std::string& metric, const std::vector<std::string>& names,
                       std::string_view reserved) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!valid_label_name(names[i]) || names[i] == reserved) {
      throw std::invalid_argument(
          fmt::format("metric {}: invalid label name \"{}\"", metric, names[i]));
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (names[i] == names[j]) {
        throw std::invalid_argument(
            fmt::format("metric {}: duplicate label name \"{}\"", metric, names[i]));
      }
    }
  }
}

std::vector<double> normalise_buckets(const std::string& metric, std::vector<double> buckets) {
  if (buckets.empty() || buckets.back() != kInf) buckets.push_back(kInf);
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (std::isnan(buckets[i]) || (i > 0 && !(buckets[i - 1] < buckets[i]))) {
      throw std::invalid_argument(
          fmt::format("metric {}: buckets must be strictly increasing", metric));
    }
  }
  return buckets;
}

}  // namespace

std::string format_metric_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Python's repr(float): integral values keep ".0" (until repr switches to exponents at
  // 1e16); everything else is the shortest representation that round-trips.
  if (v == std::trunc(v) && std::fabs(v) < 1e16) return fmt::format("{:.1f}", v);
  return fmt::format("{}", v);
}

// --- MetricFamily ------------------------------------------------------------------------

MetricFamily::MetricFamily(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {
  if (!valid_metric_name(name_)) {
    throw std::invalid_argument(fmt::format("invalid metric name \"{}\"", name_));
  }
  check_label_names(name_, label_names_, {});
}

void MetricFamily::check_label_count(std::size_t count) const {
  if (count != label_names_.size()) {
    throw std::invalid_argument(fmt::format("metric {}: expected {} label values, got {}", name_,
                                            label_names_.size(), count));
  }
}

// --- Counter -----------------------------------------------------------------------------

void CounterChild::inc(double n) noexcept {
  if (n >= 0) value_.fetch_add(n, std::memory_order_relaxed);  // also false for NaN
}

std::unique_ptr<CounterChild> Counter::new_child() const {
  return std::make_unique<CounterChild>();
}

void Counter::render(std::string& out) const {
  append_help(out, *this);
  for_each_child([&](const std::vector<std::string>& values, const CounterChild& child) {
    append_sample(out, *this, "", values, child.value());
  });
}

// --- Gauge -------------------------------------------------------------------------------

std::unique_ptr<GaugeChild> Gauge::new_child() const { return std::make_unique<GaugeChild>(); }

void Gauge::render(std::string& out) const {
  append_help(out, *this);
  for_each_child([&](const std::vector<std::string>& values, const GaugeChild& child) {
    append_sample(out, *this, "", values, child.value());
  });
}

// --- Histogram ---------------------------------------------------------------------------

HistogramChild::HistogramChild(const std::vector<double>& upper_bounds)
    : upper_bounds_(upper_bounds),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(upper_bounds.size())) {}

void HistogramChild::observe(double v) noexcept {
  // Buckets are "le": the first bound >= v. NaN compares false everywhere: +Inf bucket.
  auto it = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), v);
  std::size_t index = std::isnan(v) || it == upper_bounds_.end()
                          ? upper_bounds_.size() - 1
                          : static_cast<std::size_t>(it - upper_bounds_.begin());
  counts_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::vector<std::uint64_t> HistogramChild::cumulative_counts() const {
  std::vector<std::uint64_t> out(upper_bounds_.size());
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    out[i] = total;
  }
  return out;
}

std::uint64_t HistogramChild::count() const { return cumulative_counts().back(); }

Histogram::Histogram(std::string name, std::string help, std::vector<std::string> label_names,
                     std::vector<double> buckets)
    : FamilyOf(std::move(name), std::move(help), std::move(label_names)) {
  check_label_names(this->name(), this->label_names(), "le");
  upper_bounds_ = normalise_buckets(this->name(), std::move(buckets));
}

std::unique_ptr<HistogramChild> Histogram::new_child() const {
  return std::make_unique<HistogramChild>(upper_bounds_);
}

void Histogram::render(std::string& out) const {
  append_help(out, *this);
  for_each_child([&](const std::vector<std::string>& values, const HistogramChild& child) {
    // _count is the +Inf bucket of the same snapshot, so the two always agree.
    const std::vector<std::uint64_t> counts = child.cumulative_counts();
    for (std::size_t i = 0; i < counts.size(); ++i) {
      append_sample(out, *this, "_bucket", values, static_cast<double>(counts[i]), "le",
                    format_metric_value(upper_bounds_[i]));
    }
    append_sample(out, *this, "_count", values, static_cast<double>(counts.back()));
    append_sample(out, *this, "_sum", values, child.sum());
  });
}

// --- Summary -----------------------------------------------------------------------------

void SummaryChild::observe(double v) noexcept {
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

Summary::Summary(std::string name, std::string help, std::vector<std::string> label_names)
    : FamilyOf(std::move(name), std::move(help), std::move(label_names)) {
  check_label_names(this->name(), this->label_names(), "quantile");
}

std::unique_ptr<SummaryChild> Summary::new_child() const {
  return std::make_unique<SummaryChild>();
}

void Summary::render(std::string& out) const {
  append_help(out, *this);
  for_each_child([&](const std::vector<std::string>& values, const SummaryChild& child) {
    append_sample(out, *this, "_count", values, static_cast<double>(child.count()));
    append_sample(out, *this, "_sum", values, child.sum());
  });
}

// --- Registry ----------------------------------------------------------------------------

template <class Family, class Make>
Family& Registry::find_or_add(std::string_view name, Make&& make) {
  std::lock_guard lock(mutex_);
  std::unique_ptr<Family> created = make();  // validates; throws before touching families_
  for (const auto& existing : families_) {
    if (existing->name() != name) continue;
    auto* same = dynamic_cast<Family*>(existing.get());
    bool compatible = same != nullptr && same->label_names() == created->label_names();
    if constexpr (std::is_same_v<Family, Histogram>) {
      compatible = compatible && same->upper_bounds() == created->upper_bounds();
    }
    if (!compatible) {
      throw std::invalid_argument(fmt::format(
          "metric {} is already registered with another type, labels or buckets", name));
    }
    return *same;
  }
  Family& family = *created;
  families_.push_back(std::move(created));
  // prometheus_client exposes an unlabelled metric at 0 from the start.
  if (family.label_names().empty()) family.with({});
  return family;
}

Counter& Registry::counter(std::string_view name, std::string_view help,
                           std::vector<std::string> label_names) {
  return find_or_add<Counter>(name, [&] {
    return std::make_unique<Counter>(std::string(name), std::string(help), std::move(label_names));
  });
}

Gauge& Registry::gauge(std::string_view name, std::string_view help,
                       std::vector<std::string> label_names) {
  return find_or_add<Gauge>(name, [&] {
    return std::make_unique<Gauge>(std::string(name), std::string(help), std::move(label_names));
  });
}

Histogram& Registry::histogram(std::string_view name, std::string_view help,
                               std::vector<std::string> label_names, std::vector<double> buckets) {
  return find_or_add<Histogram>(name, [&] {
    return std::make_unique<Histogram>(std::string(name), std::string(help), std::move(label_names),
                                       std::move(buckets));
  });
}

Summary& Registry::summary(std::string_view name, std::string_view help,
                           std::vector<std::string> label_names) {
  return find_or_add<Summary>(name, [&] {
    return std::make_unique<Summary>(std::string(name), std::string(help), std::move(label_names));
  });
}

std::string Registry::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& family : families_) family->render(out);
  return out;
}

Registry& metrics() {
  static Registry registry;
  return registry;
}

}  // namespace gatehouse::obs
