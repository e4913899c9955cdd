#pragma once
// Helpers for the users and authentication integration tests: JSON bodies, the emails the
// file mail sender writes into <data dir>/mail, registration and verification as a client
// does it, and direct database access for what no route offers (promoting the first admin).
#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness.hpp"

namespace gatehouse::testing {

// A password that satisfies the default policy.
inline constexpr const char* kPassword = "Correct-Horse-9";
inline constexpr const char* kOtherPassword = "Battery-Staple-42!";

inline constexpr const char* kInvalidToken = "That token is Invalid";
inline constexpr const char* kWrongCredentials = "Wrong email or password";
inline constexpr const char* kNotAuthenticated =
    "Not authenticated. Use either JWT token or API key.";

using Headers = std::vector<std::pair<std::string, std::string>>;

// One server per test executable, started on first use with the harness defaults, stopped at
// exit. Tests on it use fresh addresses so they do not depend on each other.
GatehouseProcess& shared_server();

// ---------------------------------------------------------------- JSON

// Parses `text`; a null value when it is not JSON.
boost::json::value parse_json(const std::string& text);
std::string to_json(const boost::json::value& v);
// The string `detail` of an error body, or "" when there is none.
std::string detail_of(const HttpResponse& r);
// The keys of a JSON object body, in order.
std::vector<std::string> keys_of(const boost::json::value& v);
// The `msg` of the first 422 list entry whose loc ends with `field`, or "".
std::string validation_msg(const HttpResponse& r, const std::string& field);

Headers bearer(const std::string& token);

// ---------------------------------------------------------------- JWT

std::string base64url_encode(const std::string& bytes);
std::string base64url_decode(const std::string& text);
// The decoded payload of a JWT (no signature check).
boost::json::object jwt_payload(const std::string& token);
// The user id in the `sub` claim.
std::int64_t user_id_from_token(const std::string& token);
// `token` with its payload replaced by `payload`, signed again with HS256 under `secret`
// (the server's SECRET_KEY): tokens a client could not make, e.g. an already expired one.
std::string resign_hs256(const std::string& token, const boost::json::object& payload,
                         const std::string& secret);

// ---------------------------------------------------------------- Email

struct Email {
  std::string path;
  std::string to;       // the To: header
  std::string subject;  // decoded
  std::string text;     // the text/plain part, decoded
  std::string html;     // the text/html part, decoded
};

// Every email written so far to `address`, oldest first.
std::vector<Email> read_emails(const GatehouseProcess& server, const std::string& address);
// Waits (up to `timeout`) until at least `min_count` emails to `address` whose subject
// contains `subject_part` exist, and returns the newest of them; nullopt on timeout.
std::optional<Email> wait_for_email(const GatehouseProcess& server, const std::string& address,
                                    const std::string& subject_part, std::size_t min_count = 1,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(5));
// The newest email to `address` (waits up to 5 s for one); nullopt when none came.
std::optional<Email> read_latest_email(const GatehouseProcess& server, const std::string& address);
// The percent-decoded `code` query value of the first link in `email` that contains
// `path_marker` (e.g. "/verify/?code="); "" when there is none.
std::string extract_link_code(const Email& email, const std::string& path_marker);
std::string percent_encode(const std::string& s);

inline constexpr const char* kWelcomeSubject = "Welcome to";
inline constexpr const char* kRegisterAttemptSubject = "Registration attempt";
inline constexpr const char* kResetSubject = "Password Reset";
inline constexpr const char* kLockedSubject = "Your account has been locked";
inline constexpr const char* kPasswordChangedSubject = "Your password was changed";

// ---------------------------------------------------------------- Users

struct Tokens {
  std::string token;
  std::string refresh;
};

struct TestUser {
  std::int64_t id = 0;
  std::string email;
  std::string password;
  Tokens tokens;
  Headers auth() const { return bearer(tokens.token); }
};

// A fresh address: <prefix>-<random>@example.com.
std::string unique_email(const std::string& prefix = "user");

boost::json::object registration(const std::string& email, const std::string& password = kPassword,
                                 const std::string& first = "Test",
                                 const std::string& last = "User");
HttpResponse register_user(HttpClient& c, const std::string& email,
                           const std::string& password = kPassword,
                           const std::string& first = "Test", const std::string& last = "User");
HttpResponse login_request(HttpClient& c, const std::string& email, const std::string& password);
// Logs in and returns the tokens; a failed gtest assertion (and empty tokens) otherwise.
Tokens login(HttpClient& c, const std::string& email, const std::string& password = kPassword);
// The verification code of the newest welcome email to `email` ("" when none came).
std::string verify_code_for(const GatehouseProcess& server, const std::string& email,
                            std::size_t min_count = 1);
// Registers, verifies through the emailed link and logs in.
TestUser verified_login(const GatehouseProcess& server, HttpClient& c,
                        const std::string& prefix = "user",
                        const std::string& password = kPassword);
// A verified admin, logged in: made with `gatehouse user create --admin`, or, when the CLI
// lacks that command, registered and verified over HTTP and promoted in the database.
TestUser make_admin(GatehouseProcess& server, HttpClient& c, const std::string& prefix = "admin");

// ---------------------------------------------------------------- Database

// Runs one statement on the server's database (SQLite file or PostgreSQL).
void exec_sql(const GatehouseProcess& server, const std::string& sql);
// The first column of the first row as text ("" when no row).
std::string query_scalar(const GatehouseProcess& server, const std::string& sql);
void promote_to_admin(const GatehouseProcess& server, std::int64_t user_id);

double median(std::vector<double> values);

}  // namespace gatehouse::testing
