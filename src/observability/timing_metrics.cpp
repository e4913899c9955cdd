#include "observability/timing_metrics.hpp"

#include <cctype>
#include <cstddef>
#include <iterator>
#include <vector>

#include "observability/fixed_children.hpp"
#include "observability/metrics.hpp"
#include "observability/standard_metrics.hpp"

namespace gatehouse::obs {

namespace {

template <std::size_t N>
std::vector<double> bounds(const double (&buckets)[N]) {
  return {std::begin(buckets), std::end(buckets)};
}

FixedChildren<Histogram, std::size(kPasswordHashOperations)>& password_hashes() {
  static FixedChildren histogram(
      metrics().histogram(metrics_namespace() + "_password_hash_seconds",
                          "Time of one password hash or verification, by operation", {"operation"},
                          bounds(kPasswordHashBuckets)),
      kPasswordHashOperations);
  return histogram;
}

FixedChildren<Histogram, std::size(kDbStatementKinds)>& db_queries() {
  static FixedChildren histogram(
      metrics().histogram(metrics_namespace() + "_db_query_seconds",
                          "Time of one database statement, by statement kind", {"statement"},
                          bounds(kDbQueryBuckets)),
      kDbStatementKinds);
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
