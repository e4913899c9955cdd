#include "services/hash_pool.hpp"

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <future>

#include "observability/timing_metrics.hpp"

namespace gatehouse::services {

namespace {

// Linux applies scheduling per thread. SCHED_BATCH: a hash never preempts the I/O threads
// when it wakes (they preempt it), and nice 5 gives them the larger CPU share, so /heartbeat
// keeps its latency while a login flood saturates this pool. A failure only costs latency,
// so it is ignored.
void lower_thread_priority() {
  const sched_param param{};
  (void)::sched_setscheduler(0, SCHED_BATCH, &param);
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  (void)::setpriority(PRIO_PROCESS, tid, 5);
}

double seconds_since(HashPool::Clock::time_point start) {
  return std::chrono::duration<double>(HashPool::Clock::now() - start).count();
}

Error busy() {
  return Error::unavailable("Server is busy, try again later", "password hash queue is full", 1);
}

}  // namespace

HashPool::HashPool(const crypto::PasswordHasher& hasher, int threads, int queue_size,
                   LoginTiming* timing)
    : hasher_(hasher),
      timing_(timing),
      queue_size_(static_cast<std::size_t>(std::max(1, queue_size))) {
  unsigned n = threads > 0 ? static_cast<unsigned>(threads)
                           : std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this] { worker(); });
}

HashPool::~HashPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void HashPool::worker() {
  lower_thread_priority();
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping with nothing left
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job();
  }
}

Status HashPool::run(std::function<void()> job) {
  std::packaged_task<void()> task(std::move(job));
  auto done = task.get_future();
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= queue_size_) return busy();
    queue_.emplace_back([&task] { task(); });
  }
  cv_.notify_one();
  done.get();
  return ok();
}

Result<std::string> HashPool::hash(std::string_view password) {
  Result<std::string> out = Error::internal("hash not run");
  const Status s = run([&] {
    const auto start = Clock::now();
    out = hasher_.hash(password);
    obs::observe_password_hash("hash", seconds_since(start));
  });
  if (!s) return s.error();
  return out;
}

Status HashPool::timed(std::string_view encoded, const std::function<void()>& verify,
                       Clock::time_point* started) {
  return run([&] {
    const auto start = Clock::now();
    verify();
    const auto took = Clock::now() - start;
    obs::observe_password_hash("verify", std::chrono::duration<double>(took).count());
    if (timing_) timing_->record(encoded, took);
    if (started) *started = start;
  });
}

Result<bool> HashPool::verify(std::string_view password, std::string_view encoded,
                              Clock::time_point* started) {
  bool matched = false;
  const Status s = timed(
      encoded, [&] { matched = hasher_.verify(password, encoded); }, started);
  if (!s) return s.error();
  return matched;
}

Status HashPool::verify_dummy(std::string_view password, Clock::time_point* started) {
  // An empty `encoded` stands for the configured kind, which the dummy hash is.
  return timed(
      {}, [&] { hasher_.verify_dummy(password); }, started);
}

}  // namespace gatehouse::services
