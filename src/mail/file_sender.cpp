#include "mail/file_sender.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include <fmt/core.h>

#include "core/ids.hpp"
#include "observability/log.hpp"

namespace gatehouse::mail {

namespace {

std::string file_stamp(store::Timestamp t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss hms(t - day);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}.{:06}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                     hms.subseconds().count());
}

Status ensure_dir(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return ok();
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error::internal("MAIL_FILE_DIR " + dir + ": " + ec.message());
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  return ok();
}

Status write_new_file(const std::string& path, std::string_view data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error::internal("cannot create " + path + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);  // exactly 0600 whatever the umask
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string cause = std::strerror(errno);
      ::close(fd);
      ::unlink(path.c_str());
      std::string why = "cannot write ";
      why.append(path).append(": ").append(cause);
      return Error::internal(std::move(why));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0)
    return Error::internal("cannot close " + path + ": " + std::strerror(errno));
  return ok();
}

}  // namespace

FileSender::FileSender(std::string dir, Mailbox from, Clock clock)
    : dir_(std::move(dir)), from_(std::move(from)), clock_(std::move(clock)) {
  if (from_.address.empty()) from_.address = "gatehouse@localhost";
}

Status FileSender::send(const EmailMessage& message) {
  const store::Timestamp now = clock_();
  auto mime = build_mime_message(message, from_, now, new_message_id(from_.address));
  if (!mime) return mime.error();
  if (auto s = ensure_dir(dir_); !s) return s;
  const std::string path =
      (std::filesystem::path(dir_) / (file_stamp(now) + "-" + new_uuid().substr(0, 8) + ".eml"))
          .string();
  if (auto s = write_new_file(path, *mime); !s) return s;
  obs::info(obs::Category::kEmail, "Email to {} \"{}\" written to {}", message.to_address,
            message.subject, path);
  return ok();
}

}  // namespace gatehouse::mail
