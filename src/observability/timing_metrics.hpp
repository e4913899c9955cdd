#pragma once
// Gatehouse's own latency histograms (docs/metrics.md): password hashing and database
// statements, labelled by a fixed kind, never by SQL text or client input.
#include <string_view>

namespace gatehouse::obs {

// …_password_hash_seconds{operation=hash|verify}: one Argon2id/bcrypt computation on the
// hash pool (not the wait in its queue).
inline constexpr std::string_view kPasswordHashOperations[] = {"hash", "verify"};
inline constexpr double kPasswordHashBuckets[] = {0.005, 0.01, 0.025, 0.05, 0.1,
                                                  0.25,  0.5,  1.0,   2.5,  5.0};
void observe_password_hash(std::string_view operation, double seconds);

// …_db_query_seconds{statement=select|insert|update|delete|other}: one statement, from
// sending it to its last row (a pooled connection's wait is not included).
inline constexpr std::string_view kDbStatementKinds[] = {"select", "insert", "update", "delete",
                                                         "other"};
inline constexpr double kDbQueryBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                             0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
void observe_db_query(std::string_view statement, double seconds);

// The statement label of `sql`: its first keyword, lower-cased, when one of the above
// ("WITH … SELECT" is "other"), else "other".
std::string_view db_statement_kind(std::string_view sql);

// Registers both families with every label value (empty buckets at 0).
void register_timing_metrics();

}  // namespace gatehouse::obs
