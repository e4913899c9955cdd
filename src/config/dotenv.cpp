#include "config/dotenv.hpp"

#include <cerrno>
#include <cstring>
#include <optional>

#include "config/files.hpp"
#include "config/text.hpp"

namespace gatehouse::config::detail {

namespace {

bool is_key_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_key_char(char c) { return is_key_start(c) || (c >= '0' && c <= '9'); }
bool is_blank(char c) { return c == ' ' || c == '\t'; }

void skip_blanks(std::string_view& s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
}

// Only blanks, optionally followed by a comment.
bool only_comment_left(std::string_view s) {
  skip_blanks(s);
  return s.empty() || s.front() == '#';
}

// Parses a quoted value starting at the opening quote; nullopt when it does not close
// or when something other than a comment follows it.
std::optional<std::string> parse_quoted(std::string_view s) {
  const char quote_char = s.front();
  s.remove_prefix(1);
  std::string value;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == quote_char) {
      if (!only_comment_left(s.substr(i + 1))) return std::nullopt;
      return value;
    }
    if (c == '\\' && quote_char == '"' && i + 1 < s.size()) {
      const char next = s[i + 1];
      switch (next) {
        case 'n':
          value += '\n';
          break;
        case 'r':
          value += '\r';
          break;
        case 't':
          value += '\t';
          break;
        case '"':
        case '\\':
          value += next;
          break;
        default:
          value += c;
          value += next;
          break;
      }
      ++i;
      continue;
    }
    value += c;
  }
  return std::nullopt;
}

std::string parse_unquoted(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '#' && i > 0 && is_blank(s[i - 1])) {
      s = s.substr(0, i);
      break;
    }
  }
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// Parses one non-blank, non-comment line. Returns an error reason or fills `entry`.
std::optional<std::string> parse_line(std::string_view s, DotenvEntry& entry) {
  if (s.substr(0, 7) == "export " || s.substr(0, 7) == "export\t") {
    s.remove_prefix(7);
    skip_blanks(s);
  }
  if (s.empty() || !is_key_start(s.front())) return "expected KEY=VALUE";
  std::size_t key_end = 0;
  while (key_end < s.size() && is_key_char(s[key_end])) ++key_end;
  entry.key = to_upper(s.substr(0, key_end));
  s.remove_prefix(key_end);
  skip_blanks(s);
  if (s.empty() || s.front() != '=') return "expected KEY=VALUE";
  s.remove_prefix(1);
  skip_blanks(s);
  if (!s.empty() && (s.front() == '"' || s.front() == '\'')) {
    auto value = parse_quoted(s);
    if (!value) return "unterminated quoted value or text after the closing quote";
    entry.value = std::move(*value);
  } else {
    entry.value = parse_unquoted(s);
  }
  return std::nullopt;
}

}  // namespace

DotenvFile parse_dotenv(std::string_view text, const std::string& file_name) {
  DotenvFile out;
  out.found = true;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    skip_blanks(line);
    if (line.empty() || line.front() == '#') continue;
    DotenvEntry entry;
    entry.line = line_number;
    if (auto reason = parse_line(line, entry)) {
      out.errors.push_back(file_name + ":" + std::to_string(line_number) + ": malformed line (" +
                           *reason + ")");
      continue;
    }
    out.entries.push_back(std::move(entry));
  }
  return out;
}

DotenvFile read_dotenv_file(const std::string& path) {
  std::string text;
  const int err = read_whole_file(path, text);
  if (err == ENOENT) return {};
  if (err != 0) {
    DotenvFile out;
    out.found = true;
    out.errors.push_back(path + ": cannot read the file (" + std::strerror(err) + ")");
    return out;
  }
  return parse_dotenv(text, path);
}

}  // namespace gatehouse::config::detail
