#pragma once
// Scaffolding for the AuthService and UserService tests: the real services over a temporary
// SQLite file, with a clock the test moves (time-based rules without sleeping), a notifier
// that records what would have been mailed, and the cheapest bcrypt cost (a hash takes
// about a millisecond rather than the production cost's tens).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "crypto/jwt.hpp"
#include "crypto/password_hasher.hpp"
#include "kv/memory/memory_replay_guard.hpp"
#include "services/auth_service.hpp"
#include "services/hash_pool.hpp"
#include "services/mfa_service.hpp"
#include "services/notifier.hpp"
#include "services/second_factor.hpp"
#include "services/token_issuer.hpp"
#include "services/user_service.hpp"
#include "temp_sqlite.hpp"

namespace gatehouse::services::testing {

// One entry per email the services asked for; `token` is the link's code when it has one.
struct Notice {
  std::string kind;
  std::string email;
  std::string token;
};

class RecordingNotifier final : public Notifier {
 public:
  void welcome(const store::User& u, const std::string& token) override {
    add("welcome", u, token);
  }
  void register_attempt(const store::User& u) override { add("register_attempt", u); }
  void password_reset(const store::User& u, const std::string& token) override {
    add("password_reset", u, token);
  }
  void password_changed(const store::User& u) override { add("password_changed", u); }
  void email_changed(const store::User& u, const std::string&, const std::string& token) override {
    add("email_changed", u, token);
  }
  void banned(const store::User& u) override { add("banned", u); }
  void unbanned(const store::User& u) override { add("unbanned", u); }
  void account_locked(const store::User& u) override { add("account_locked", u); }
  void mfa_enabled(const store::User& u) override { add("mfa_enabled", u); }
  void mfa_disabled(const store::User& u) override { add("mfa_disabled", u); }
  void mfa_recovery_code_used(const store::User& u, int remaining) override {
    add("mfa_recovery_code_used", u, std::to_string(remaining));
  }

  std::vector<Notice> notices;

  // The kinds in order, to assert on the whole list at once.
  std::vector<std::string> kinds() const {
    std::vector<std::string> out;
    for (const auto& n : notices) out.push_back(n.kind);
    return out;
  }

 private:
  void add(const char* kind, const store::User& u, std::string token = {}) {
    notices.push_back({kind, u.email, std::move(token)});
  }
};

inline constexpr const char* kPassword = "Correct-Horse-9";

class ServiceFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_.secret_key = std::string(64, 'k');
    settings_.auth.password_hash = "bcrypt";
    settings_.auth.bcrypt_rounds = 4;
    settings_.auth.lockout_threshold = 3;
    settings_.auth.lockout_minutes = 15;
    db_ = gatehouse::testing::open_temp_sqlite(settings_, path_);
    now_ = *store::parse_iso8601("2030-06-01T12:00:00Z");

    crypto::HashSettings cheap;
    cheap.algorithm = crypto::HashSettings::Algorithm::kBcrypt;
    cheap.bcrypt_rounds = 4;
    hasher_ = std::make_unique<crypto::PasswordHasher>(cheap);
    hashes_ = std::make_unique<HashPool>(*hasher_, 1, 16);
    auto codec = crypto::JwtCodec::create({"HS256", settings_.secret_key});
    ASSERT_TRUE(codec);
    jwt_ = std::make_unique<crypto::JwtCodec>(std::move(*codec));
    tokens_ = std::make_unique<TokenIssuer>(*jwt_, settings_, [this] { return now_; });
    second_factor_ =
        std::make_unique<SecondFactor>(settings_, *db_, replay_, [this] { return now_; });
    audit_ = std::make_unique<AuditLog>(*db_, audit_options_, [this] { return now_; });
    auth_ = std::make_unique<AuthService>(settings_, *db_, *hashes_, *tokens_, notifier_,
                                          *second_factor_, *audit_);
    mfa_ = std::make_unique<MfaService>(*db_, *second_factor_, *hashes_, *auth_, notifier_, *audit_,
                                        [this] { return now_; });
    users_ = std::make_unique<UserService>(*db_, *auth_, *hashes_, notifier_, *audit_);
  }

  void TearDown() override {
    users_.reset();
    mfa_.reset();
    auth_.reset();
    second_factor_.reset();
    hashes_.reset();
    db_.reset();
    gatehouse::testing::remove_temp_sqlite(path_);
  }

  // A user straight in the store (verified unless asked), with kPassword.
  store::User make_user(const std::string& email, const std::string& role = store::kRoleUser,
                        bool verified = true) {
    store::NewUser nu;
    nu.email = email;
    auto hashed = hasher_->hash(kPassword);
    EXPECT_TRUE(hashed);
    nu.password_hash = hashed ? *hashed : "";
    nu.first_name = "F";
    nu.last_name = "L";
    nu.role = role;
    nu.verified = verified;
    auto u = db_->users().create(nu);
    EXPECT_TRUE(u) << (u ? "" : u.error().cause);
    return u ? *u : store::User{};
  }

  store::User reload(std::int64_t id) {
    auto u = db_->users().find_by_id(id);
    EXPECT_TRUE(u && u->has_value());
    return (u && *u) ? **u : store::User{};
  }

  Principal actor(const store::User& u, std::string session = {}) {
    Principal p;
    p.user = u;
    p.session_id = std::move(session);
    return p;
  }

  // A sign-in with the password alone; a user with TOTP gets an error-free result without
  // tokens (use login_result() to see the mfa_token).
  Result<TokenPair> login(const std::string& email, const std::string& password = kPassword) {
    auto r = login_result(email, password);
    if (!r) return r.error();
    return r->tokens;
  }
  Result<LoginResult> login_result(const std::string& email,
                                   const std::string& password = kPassword) {
    return auth_->login(email, password, {"127.0.0.1", "test"});
  }

  // The public message of a failure, or "ok": one string to compare in every assertion
  // (Status is a Result too).
  template <class T>
  static std::string outcome(const Result<T>& r) {
    return r ? "ok" : r.error().public_message;
  }

  std::string path_ = gatehouse::testing::temp_db_path("gatehouse-services-");
  config::Settings settings_;
  store::DatabasePtr db_;
  store::Timestamp now_{};
  std::unique_ptr<crypto::PasswordHasher> hasher_;
  std::unique_ptr<HashPool> hashes_;
  std::unique_ptr<crypto::JwtCodec> jwt_;
  std::unique_ptr<TokenIssuer> tokens_;
  RecordingNotifier notifier_;
  // On the test's clock: what a replay is refused for is tested by moving it.
  kv::MemoryReplayGuard replay_{[this] { return now_; }};
  std::unique_ptr<SecondFactor> second_factor_;
  AuditOptions audit_options_;  // set before SetUp() to add webhook endpoints
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<AuthService> auth_;
  std::unique_ptr<MfaService> mfa_;
  std::unique_ptr<UserService> users_;
};

}  // namespace gatehouse::services::testing
