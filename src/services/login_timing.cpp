#include "services/login_timing.hpp"

#include <exception>
#include <optional>

#include "observability/log.hpp"

namespace gatehouse::services {

namespace {

using obs::Category;

// Beyond these a calibration would hold start-up for minutes (bcrypt 17 is about 30 s here);
// such a hash is logged instead, and its estimate comes from its first real verification.
constexpr int kMaxCalibratedBcryptCost = 16;
constexpr std::uint64_t kMaxCalibratedArgon2Work = 4ull * 1024 * 1024;  // KiB x iterations

std::optional<std::string> kind_of(std::string_view encoded) {
  const auto settings = crypto::PasswordHasher::settings_of(encoded);
  if (!settings) return std::nullopt;
  return crypto::PasswordHasher::kind_name(*settings);
}

bool affordable(const crypto::HashSettings& s) {
  if (s.algorithm == crypto::HashSettings::Algorithm::kBcrypt) {
    return s.bcrypt_rounds <= kMaxCalibratedBcryptCost;
  }
  return static_cast<std::uint64_t>(s.argon2_memory_kib) * s.argon2_iterations <=
         kMaxCalibratedArgon2Work;
}

// The slower of two verifications against a fresh hash of this kind; nullopt when the kind
// cannot be made here (outside libsodium's or libxcrypt's limits).
std::optional<LoginTiming::Clock::duration> calibrate(const crypto::HashSettings& s,
                                                      const std::string& kind) {
  if (!affordable(s)) {
    obs::warning(Category::kAuth,
                 "Password hashes of kind \"{}\" are too costly to calibrate at start; a failed "
                 "login for such an account is padded only after its first verification",
                 kind);
    return std::nullopt;
  }
  try {
    const crypto::PasswordHasher probe(s);  // computes its own dummy hash
    LoginTiming::Clock::duration slowest{};
    for (int i = 0; i < 2; ++i) {
      const auto start = LoginTiming::Clock::now();
      probe.verify_dummy("calibration only");
      slowest = std::max(slowest, LoginTiming::Clock::now() - start);
    }
    return slowest;
  } catch (const std::exception& e) {
    obs::warning(Category::kAuth, "Password hashes of kind \"{}\" cannot be calibrated: {}", kind,
                 e.what());
    return std::nullopt;
  }
}

}  // namespace

LoginTiming::LoginTiming(const crypto::PasswordHasher& hasher)
    : hasher_(hasher), configured_kind_(crypto::PasswordHasher::kind_name(hasher.settings())) {
  in_use_.insert(configured_kind_);
}

LoginTiming::~LoginTiming() { stop(); }

void LoginTiming::observe(const std::string& kind, Clock::duration took) {
  // Caller holds mutex_. A peak at once; lower samples pull down by 1/8 of the gap, so a spike
  // (a busy moment) is forgotten after a few dozen verifications.
  auto [it, inserted] = estimates_.try_emplace(kind, took);
  if (inserted) return;
  Clock::duration& estimate = it->second;
  if (took >= estimate) {
    estimate = took;
  } else {
    estimate -= (estimate - took) / 8;
  }
}

void LoginTiming::record(std::string_view encoded, Clock::duration took) {
  std::optional<std::string> kind = encoded.empty() ? configured_kind_ : kind_of(encoded);
  if (!kind) return;  // malformed: verify refuses at once, the floor covers it
  std::lock_guard lock(mutex_);
  observe(*kind, took);
  in_use_.insert(*kind);
}

Status LoginTiming::refresh(store::UserRepository& users) {
  auto prefixes = users.password_hash_kinds();
  if (!prefixes) return prefixes.error();
  std::map<std::string, crypto::HashSettings> found{{configured_kind_, hasher_.settings()}};
  for (const std::string& prefix : *prefixes) {
    if (const auto settings = crypto::PasswordHasher::settings_of(prefix)) {
      found.emplace(crypto::PasswordHasher::kind_name(*settings), *settings);
    }
  }
  for (const auto& [kind, settings] : found) {
    {
      std::lock_guard lock(mutex_);
      if (estimates_.count(kind)) continue;
    }
    // Outside the lock: a calibration may take a second, logins must not wait for it.
    if (const auto took = calibrate(settings, kind)) {
      std::lock_guard lock(mutex_);
      observe(kind, *took);
    }
  }
  std::string slowest_kind;
  Clock::duration slowest{};
  {
    std::lock_guard lock(mutex_);
    in_use_.clear();
    for (const auto& entry : found) in_use_.insert(entry.first);
    for (const auto& kind : in_use_) {
      const auto it = estimates_.find(kind);
      if (it != estimates_.end() && it->second >= slowest) {
        slowest = it->second;
        slowest_kind = kind;
      }
    }
  }
  const auto now_floor = floor();
  // Logged when the floor moves by more than a quarter, not at every refresh.
  if (now_floor > logged_floor_ + logged_floor_ / 4 || now_floor < logged_floor_ * 3 / 4) {
    logged_floor_ = now_floor;
    obs::info(Category::kAuth,
              "Failed logins answer after at least {} ms ({} password hash kind(s) in use, the "
              "slowest \"{}\")",
              std::chrono::duration_cast<std::chrono::milliseconds>(now_floor).count(),
              found.size(), slowest_kind);
  }
  return ok();
}

LoginTiming::Clock::duration LoginTiming::floor() const {
  Clock::duration slowest{};
  {
    std::lock_guard lock(mutex_);
    for (const auto& kind : in_use_) {
      const auto it = estimates_.find(kind);
      if (it != estimates_.end()) slowest = std::max(slowest, it->second);
    }
  }
  return slowest + slowest / 8 + kMargin;
}

void LoginTiming::start(store::UserRepository& users, std::chrono::seconds interval) {
  std::lock_guard lock(thread_mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this, &users, interval] {
    std::unique_lock guard(thread_mutex_);
    bool refreshed = true;
    while (!stopping_) {
      const auto wait = refreshed ? std::chrono::seconds(interval) : std::chrono::seconds(5);
      if (wake_.wait_for(guard, wait, [this] { return stopping_; })) break;
      guard.unlock();
      const Status s = refresh(users);
      if (!s) {
        obs::warning(Category::kAuth, "Password hash census failed: {}", s.error().cause);
      }
      refreshed = static_cast<bool>(s);
      guard.lock();
    }
  });
}

void LoginTiming::stop() {
  std::thread thread;
  {
    std::lock_guard lock(thread_mutex_);
    if (!thread_.joinable()) return;
    stopping_ = true;
    thread = std::move(thread_);
  }
  wake_.notify_all();
  thread.join();
}

}  // namespace gatehouse::services
