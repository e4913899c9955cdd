#include "observability/timing_metrics.hpp"

#include <cctype>
#include <cstddef>
#include <iterator>
#include <string>

#include "observability/fixed_children.hpp"
#include "observability/metrics.hpp"
#include "observability/standard_metrics.hpp"

namespace gatehouse::obs {

namespace {

// NS<suffix>{label} with the buckets `upper` and every one of `values`.
template <std::size_t N, std::size_t B>
FixedChildren<Histogram, N> fixed_histogram(std::string_view suffix, std::string_view help,
                                            std::string label, const std::string_view (&values)[N],
                                            const double (&upper)[B]) {
  return {metrics().histogram(metrics_namespace() + std::string(suffix), help, {std::move(label)},
                              {std::begin(upper), std::end(upper)}),
          values};
}

auto& password_hashes() {
  static auto histogram = fixed_histogram(
      "_password_hash_seconds", "Time of one password hash or verification, by operation",
      "operation", kPasswordHashOperations, kPasswordHashBuckets);
  return histogram;
}

auto& db_queries() {
  static auto histogram =
      fixed_histogram("_db_query_seconds", "Time of one database statement, by statement kind",
                      "statement", kDbStatementKinds, kDbQueryBuckets);
  return histogram;
}

bool keyword_is(std::string_view word, std::string_view lower) {
  if (word.size() != lower.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(word[i])) != lower[i]) return false;
  }
  return true;
}

}  // namespace

void observe_password_hash(std::string_view operation, double seconds) {
  password_hashes()[operation].observe(seconds);
}

void observe_db_query(std::string_view statement, double seconds) {
  db_queries()[statement].observe(seconds);
}

std::string_view db_statement_kind(std::string_view sql) {
  std::size_t begin = 0;
  while (begin < sql.size() && std::isspace(static_cast<unsigned char>(sql[begin]))) ++begin;
  std::size_t end = begin;
  while (end < sql.size() && std::isalpha(static_cast<unsigned char>(sql[end]))) ++end;
  const std::string_view word = sql.substr(begin, end - begin);
  for (const auto kind : kDbStatementKinds) {
    if (keyword_is(word, kind)) return kind;
  }
  return "other";
}

void register_timing_metrics() {
  password_hashes();
  db_queries();
}

}  // namespace gatehouse::obs
