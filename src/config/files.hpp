#pragma once
// File system helpers of the config loader (internal to src/config). They report
// failures as errno values so the caller can word the message and name the variable.
#include <string>

namespace gatehouse::config::detail {

// Reads a regular file into `out`. Returns 0, or an errno value (ENOENT when missing,
// EISDIR when it is a directory).
int read_whole_file(const std::string& path, std::string& out);

// Creates `path` (with parents) if missing and checks that a file can really be
// created in it (access(W_OK) alone says yes to root). Returns 0 or an errno value.
int ensure_writable_directory(const std::string& path);

// Creates `path` with mode 0600 holding `content`, atomically and without replacing an
// existing file. Returns 0, EEXIST when the file already exists, or another errno value.
int create_private_file(const std::string& path, const std::string& content);

}  // namespace gatehouse::config::detail
