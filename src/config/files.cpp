#include "config/files.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace gatehouse::config::detail {

namespace {

// A file name next to `path` that no other process picks: <path>.<pid>.<random>.tmp
std::string unique_sibling(const std::string& path) {
  unsigned char raw[8];
  randombytes_buf(raw, sizeof raw);
  char hex[2 * sizeof raw + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  return path + "." + std::to_string(::getpid()) + "." + hex + ".tmp";
}

int write_all(int fd, const std::string& content) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

}  // namespace

int read_whole_file(const std::string& path, std::string& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  struct stat st {};
  int err = 0;
  if (::fstat(fd, &st) != 0) {
    err = errno;
  } else if (S_ISDIR(st.st_mode)) {
    err = EISDIR;
  } else if (!S_ISREG(st.st_mode)) {
    err = EINVAL;
  }
  if (err != 0) {
    ::close(fd);
    return err;
  }
  out.clear();
  char buf[4096];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      ::close(fd);
      return err;
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return 0;
}

int ensure_writable_directory(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return ec.value();
  if (!std::filesystem::is_directory(path, ec)) return ENOTDIR;
  if (::access(path.c_str(), W_OK | X_OK) != 0) return errno;
  if (sodium_init() < 0) return EIO;
  const std::string probe = unique_sibling((std::filesystem::path(path) / ".write-test").string());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno;
  ::close(fd);
  ::unlink(probe.c_str());
  return 0;
}

namespace {

// Fallback for file systems without hard links: O_EXCL on the final name (not atomic
// for readers, but still never replaces an existing file).
int create_private_file_directly(const std::string& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno;
  int err = ::fchmod(fd, 0600) != 0 ? errno : 0;
  if (err == 0) err = write_all(fd, content);
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) ::unlink(path.c_str());
  return err;
}

}  // namespace

int create_private_file(const std::string& path, const std::string& content) {
  if (sodium_init() < 0) return EIO;
  const std::string tmp = unique_sibling(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno;
  int err = ::fchmod(fd, 0600) != 0 ? errno : 0;
  if (err == 0) err = write_all(fd, content);
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  // link() refuses to replace an existing file, so a concurrent start keeps one key.
  if (err == 0 && ::link(tmp.c_str(), path.c_str()) != 0) err = errno;
  ::unlink(tmp.c_str());
  if (err == EPERM || err == ENOSYS || err == EOPNOTSUPP) {
    return create_private_file_directly(path, content);
  }
  return err;
}

}  // namespace gatehouse::config::detail
