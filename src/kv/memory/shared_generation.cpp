#include "kv/memory/shared_generation.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace gatehouse::kv {

namespace {

// A lock-free 64-bit atomic is address-free, so two processes mapping the same page may
// both use it (the standard's recommendation, [atomics.lockfree]).
static_assert(std::atomic_ref<std::uint64_t>::is_always_lock_free);

}  // namespace

std::unique_ptr<SharedGeneration> SharedGeneration::open(const std::string& path, bool create,
                                                         int* error) {
  const int flags = O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0);
  const int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) {
    if (error != nullptr) *error = errno;
    return nullptr;
  }
  struct stat st {};
  // A new file is extended to one word of zeros; an existing one keeps its value.
  const bool sized =
      ::fstat(fd, &st) == 0 && (st.st_size >= static_cast<off_t>(sizeof(std::uint64_t)) ||
                                ::ftruncate(fd, sizeof(std::uint64_t)) == 0);
  void* map =
      sized ? ::mmap(nullptr, sizeof(std::uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
            : MAP_FAILED;
  const int failure = map == MAP_FAILED ? errno : 0;
  ::close(fd);
  if (map == MAP_FAILED) {
    if (error != nullptr) *error = failure;
    return nullptr;
  }
  return std::unique_ptr<SharedGeneration>(new SharedGeneration(static_cast<std::uint64_t*>(map)));
}

SharedGeneration::~SharedGeneration() { ::munmap(word_, sizeof(std::uint64_t)); }

std::uint64_t SharedGeneration::load() const {
  return std::atomic_ref<std::uint64_t>(*word_).load(std::memory_order_acquire);
}

std::uint64_t SharedGeneration::bump() {
  return std::atomic_ref<std::uint64_t>(*word_).fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace gatehouse::kv
