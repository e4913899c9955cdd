#pragma once
// .env file parsing (internal to src/config).
//
// Syntax: KEY=VALUE lines; blank lines and lines starting with '#' are skipped; an
// optional `export ` prefix; spaces around '=' are allowed. Values may be
//   - unquoted: trailing spaces trimmed, a ` #` (whitespace then '#') starts a comment;
//   - 'single quoted': taken literally;
//   - "double quoted": \n \r \t \" \\ escapes (other backslashes kept as they are).
// A quoted value must close on the same line; only a comment may follow it.
// Keys are [A-Za-z_][A-Za-z0-9_]* and are returned upper-cased; a later line wins.
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::config::detail {

struct DotenvEntry {
  std::string key;  // upper-cased
  std::string value;
  int line = 0;
};

struct DotenvFile {
  bool found = false;  // false: the file does not exist (not an error)
  std::vector<DotenvEntry> entries;
  // "<file>:<line>: ..." for malformed lines, or "<file>: ..." when unreadable. Never
  // contain the offending line, which may hold a secret.
  std::vector<std::string> errors;
};

// Parses `text`; `file_name` is only used in error messages.
DotenvFile parse_dotenv(std::string_view text, const std::string& file_name);

// Reads and parses the file at `path`. A missing file yields found == false.
DotenvFile read_dotenv_file(const std::string& path);

}  // namespace gatehouse::config::detail
