#include "auth_test_support.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace gatehouse::testing {

namespace fs = std::filesystem;
namespace json = boost::json;

GatehouseProcess& shared_server() {
  // Destroyed at exit, which stops the process and drops its scratch database.
  static std::unique_ptr<GatehouseProcess> server;
  if (!server) {
    auto s = std::make_unique<GatehouseProcess>();
    s->start();
    server = std::move(s);
  }
  return *server;
}

// ---------------------------------------------------------------- JSON

json::value parse_json(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec) return nullptr;
  return v;
}

std::string to_json(const json::value& v) { return json::serialize(v); }

std::string detail_of(const HttpResponse& r) {
  const auto v = parse_json(r.body);
  if (!v.is_object()) return "";
  const auto* d = v.as_object().if_contains("detail");
  if (!d || !d->is_string()) return "";
  return std::string(d->as_string());
}

std::vector<std::string> keys_of(const json::value& v) {
  std::vector<std::string> out;
  if (!v.is_object()) return out;
  for (const auto& kv : v.as_object()) out.emplace_back(kv.key());
  return out;
}

std::string validation_msg(const HttpResponse& r, const std::string& field) {
  const auto v = parse_json(r.body);
  if (!v.is_object()) return "";
  const auto* d = v.as_object().if_contains("detail");
  if (!d || !d->is_array()) return "";
  for (const auto& e : d->as_array()) {
    if (!e.is_object()) continue;
    const auto* loc = e.as_object().if_contains("loc");
    const auto* msg = e.as_object().if_contains("msg");
    if (!loc || !loc->is_array() || loc->as_array().empty() || !msg || !msg->is_string()) continue;
    const auto& last = loc->as_array().back();
    if (last.is_string() && last.as_string() == field) return std::string(msg->as_string());
  }
  return "";
}

Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

// ---------------------------------------------------------------- JWT

std::string base64url_encode(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char ch : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(ch);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buffer >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3F]);
  return out;
}

namespace {

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

// Decodes standard or url-safe base64, skipping padding and whitespace.
std::string base64_decode_any(const std::string& text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const int v = base64_value(c);
    if (v < 0) continue;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string quoted_printable_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '\n') {  // soft break (LF)
      i += 1;
    } else if (i + 2 < text.size() && text[i + 1] == '\r' && text[i + 2] == '\n') {
      i += 2;  // soft break (CRLF)
    } else if (i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back('=');
    }
  }
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Header block -> (lower-case name, unfolded value) pairs.
std::vector<std::pair<std::string, std::string>> parse_headers(const std::string& block) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(block);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t') && !out.empty()) {
      out.back().second += line;  // folded continuation
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    out.emplace_back(lower(line.substr(0, colon)), value);
  }
  return out;
}

std::string header_value(const std::vector<std::pair<std::string, std::string>>& headers,
                         const std::string& name) {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

// Decodes RFC 2047 encoded words (=?UTF-8?B?...?= and =?UTF-8?Q?...?=).
std::string decode_header_text(const std::string& value) {
  std::string out;
  std::size_t pos = 0;
  bool last_was_word = false;
  while (pos < value.size()) {
    const auto start = value.find("=?", pos);
    if (start == std::string::npos) {
      out += value.substr(pos);
      break;
    }
    const auto q1 = value.find('?', start + 2);
    const auto q2 = q1 == std::string::npos ? q1 : value.find('?', q1 + 1);
    const auto end = q2 == std::string::npos ? q2 : value.find("?=", q2 + 1);
    if (end == std::string::npos) {
      out += value.substr(pos);
      break;
    }
    std::string between = value.substr(pos, start - pos);
    const bool blank = between.find_first_not_of(" \t\r\n") == std::string::npos;
    if (!(last_was_word && blank)) out += between;
    const char enc = static_cast<char>(std::toupper(static_cast<unsigned char>(value[q1 + 1])));
    const std::string payload = value.substr(q2 + 1, end - q2 - 1);
    if (enc == 'B') {
      out += base64_decode_any(payload);
    } else {
      std::string qp = payload;
      std::replace(qp.begin(), qp.end(), '_', ' ');
      out += quoted_printable_decode(qp);
    }
    last_was_word = true;
    pos = end + 2;
  }
  return out;
}

std::string decode_body(const std::string& body, const std::string& transfer_encoding) {
  const std::string enc = lower(transfer_encoding);
  if (enc == "quoted-printable") return quoted_printable_decode(body);
  if (enc == "base64") return base64_decode_any(body);
  return body;
}

std::string boundary_of(const std::string& content_type) {
  const auto at = lower(content_type).find("boundary=");
  if (at == std::string::npos) return "";
  std::string b = content_type.substr(at + 9);
  if (!b.empty() && b.front() == '"') {
    b.erase(0, 1);
    b = b.substr(0, b.find('"'));
  } else {
    b = b.substr(0, b.find(';'));
  }
  return b;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Email parse_email(const std::string& path, const std::string& raw) {
  Email e;
  e.path = path;
  auto split = raw.find("\r\n\r\n");
  std::size_t sep = 4;
  if (split == std::string::npos) {
    split = raw.find("\n\n");
    sep = 2;
  }
  const std::string head = raw.substr(0, split);
  const std::string body = split == std::string::npos ? "" : raw.substr(split + sep);
  const auto headers = parse_headers(head);
  e.to = header_value(headers, "to");
  e.subject = decode_header_text(header_value(headers, "subject"));
  const std::string content_type = header_value(headers, "content-type");
  const std::string boundary = boundary_of(content_type);
  if (boundary.empty()) {
    e.text = decode_body(body, header_value(headers, "content-transfer-encoding"));
    return e;
  }
  const std::string delimiter = "--" + boundary;
  std::size_t pos = body.find(delimiter);
  while (pos != std::string::npos) {
    pos += delimiter.size();
    if (body.compare(pos, 2, "--") == 0) break;
    const auto next = body.find(delimiter, pos);
    std::string part = body.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    if (part.rfind("\r\n", 0) == 0) part.erase(0, 2);
    auto psplit = part.find("\r\n\r\n");
    std::size_t psep = 4;
    if (psplit == std::string::npos) {
      psplit = part.find("\n\n");
      psep = 2;
    }
    if (psplit != std::string::npos) {
      const auto ph = parse_headers(part.substr(0, psplit));
      const std::string decoded =
          decode_body(part.substr(psplit + psep), header_value(ph, "content-transfer-encoding"));
      const std::string type = lower(header_value(ph, "content-type"));
      if (type.rfind("text/plain", 0) == 0) e.text = decoded;
      if (type.rfind("text/html", 0) == 0) e.html = decoded;
    }
    pos = next;
  }
  return e;
}

bool addressed_to(const Email& e, const std::string& address) {
  const std::string to = lower(e.to);
  const std::string want = lower(address);
  return to == want || to.find("<" + want + ">") != std::string::npos;
}

}  // namespace

json::object jwt_payload(const std::string& token) {
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  if (first == std::string::npos || second == std::string::npos) return {};
  const auto v = parse_json(base64url_decode(token.substr(first + 1, second - first - 1)));
  return v.is_object() ? v.as_object() : json::object{};
}

std::string base64url_decode(const std::string& text) { return base64_decode_any(text); }

std::int64_t user_id_from_token(const std::string& token) {
  const auto payload = jwt_payload(token);
  const auto* sub = payload.if_contains("sub");
  if (!sub || !sub->is_string()) return 0;
  return std::stoll(std::string(sub->as_string()));
}

std::string resign_hs256(const std::string& token, const boost::json::object& payload,
                         const std::string& secret) {
  const std::string header = token.substr(0, token.find('.'));
  const std::string signing_input = header + "." + base64url_encode(to_json(payload));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
       &len);
  return signing_input + "." +
         base64url_encode(std::string(reinterpret_cast<const char*>(mac), len));
}

// ---------------------------------------------------------------- Email

std::vector<Email> read_emails(const GatehouseProcess& server, const std::string& address) {
  const std::string dir = server.data_dir() + "/mail";
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".eml") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());  // names start with the UTC time to the microsecond
  std::vector<Email> out;
  for (const auto& p : paths) {
    Email e = parse_email(p, read_text_file(p));
    if (addressed_to(e, address)) out.push_back(std::move(e));
  }
  return out;
}

std::optional<Email> wait_for_email(const GatehouseProcess& server, const std::string& address,
                                    const std::string& subject_part, std::size_t min_count,
                                    std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    std::vector<Email> matching;
    for (auto& e : read_emails(server, address)) {
      if (e.subject.find(subject_part) != std::string::npos) matching.push_back(std::move(e));
    }
    if (matching.size() >= min_count && !matching.empty()) return matching.back();
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::optional<Email> read_latest_email(const GatehouseProcess& server, const std::string& address) {
  return wait_for_email(server, address, "", 1);
}

std::string extract_link_code(const Email& email, const std::string& path_marker) {
  for (const std::string* part : {&email.text, &email.html}) {
    const auto at = part->find(path_marker);
    if (at == std::string::npos) continue;
    const auto code_at = part->find("code=", at);
    if (code_at == std::string::npos) continue;
    std::size_t end = code_at + 5;
    while (end < part->size()) {
      const char c = (*part)[end];
      if (std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '<' || c == '&' ||
          c == '\'') {
        break;
      }
      ++end;
    }
    const std::string raw = part->substr(code_at + 5, end - code_at - 5);
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '%' && i + 2 < raw.size() && hex_value(raw[i + 1]) >= 0 &&
          hex_value(raw[i + 2]) >= 0) {
        out.push_back(static_cast<char>(hex_value(raw[i + 1]) * 16 + hex_value(raw[i + 2])));
        i += 2;
      } else {
        out.push_back(raw[i]);
      }
    }
    return out;
  }
  return "";
}

std::string percent_encode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

// ---------------------------------------------------------------- Users

std::string unique_email(const std::string& prefix) {
  return prefix + "-" + random_hex(5) + "@example.com";
}

json::object registration(const std::string& email, const std::string& password,
                          const std::string& first, const std::string& last) {
  return {{"email", email}, {"password", password}, {"first_name", first}, {"last_name", last}};
}

HttpResponse register_user(HttpClient& c, const std::string& email, const std::string& password,
                           const std::string& first, const std::string& last) {
  return c.request("POST", "/register/", {}, to_json(registration(email, password, first, last)));
}

HttpResponse login_request(HttpClient& c, const std::string& email, const std::string& password) {
  return c.request("POST", "/login/", {},
                   to_json(json::object{{"email", email}, {"password", password}}));
}

Tokens login(HttpClient& c, const std::string& email, const std::string& password) {
  const auto r = login_request(c, email, password);
  if (r.status != 200) {
    ADD_FAILURE() << "login of " << email << " answered " << r.status << ": " << r.body;
    return {};
  }
  const auto v = parse_json(r.body);
  if (!v.is_object() || !v.as_object().contains("token") || !v.as_object().contains("refresh")) {
    ADD_FAILURE() << "login answered " << r.body;
    return {};
  }
  return {std::string(v.at("token").as_string()), std::string(v.at("refresh").as_string())};
}

std::string verify_code_for(const GatehouseProcess& server, const std::string& email,
                            std::size_t min_count) {
  const auto mail = wait_for_email(server, email, kWelcomeSubject, min_count);
  if (!mail) {
    ADD_FAILURE() << "no welcome email to " << email;
    return "";
  }
  const std::string code = extract_link_code(*mail, "/verify/?code=");
  if (code.empty()) ADD_FAILURE() << "no verification link in " << mail->text;
  return code;
}

TestUser verified_login(const GatehouseProcess& server, HttpClient& c, const std::string& prefix,
                        const std::string& password) {
  TestUser u;
  u.email = unique_email(prefix);
  u.password = password;
  const auto reg = register_user(c, u.email, password);
  if (reg.status != 202) {
    ADD_FAILURE() << "register answered " << reg.status << ": " << reg.body;
    return u;
  }
  const std::string code = verify_code_for(server, u.email);
  const auto verified = c.get("/verify/?code=" + percent_encode(code));
  if (verified.status != 204) {
    ADD_FAILURE() << "verify answered " << verified.status << ": " << verified.body;
    return u;
  }
  u.tokens = login(c, u.email, password);
  u.id = user_id_from_token(u.tokens.token);
  return u;
}

TestUser make_admin(GatehouseProcess& server, HttpClient& c, const std::string& prefix) {
  // The CLI's `user create --admin` makes a verified admin, as an operator would.
  TestUser u;
  u.email = unique_email(prefix);
  u.password = kPassword;
  const auto created = server.run_command(
      {"user", "create", "-e", u.email, "-f", "Test", "-l", "Admin", "-p", kPassword, "--admin"});
  if (created.exit_code == 0) {
    u.tokens = login(c, u.email, kPassword);
    u.id = user_id_from_token(u.tokens.token);
    return u;
  }
  // Without the CLI command: register and verify over HTTP, then promote in the database.
  u = verified_login(server, c, prefix);
  if (u.id > 0) promote_to_admin(server, u.id);
  return u;
}

// ---------------------------------------------------------------- Database

namespace {

bool is_sqlite(const GatehouseProcess& server, std::string* path) {
  const std::string& url = server.env().at("DATABASE_URL");
  const std::string prefix = "sqlite:///";
  if (url.rfind(prefix, 0) != 0) return false;
  if (path) *path = url.substr(prefix.size() - 1);  // keep the leading '/'
  return true;
}

std::optional<std::string> run_sql(const GatehouseProcess& server, const std::string& sql) {
  std::string path;
  std::optional<std::string> first;
  if (is_sqlite(server, &path)) {
    // "sqlite:///" + absolute path: the path after the scheme's "//" starts with '/'.
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      const std::string err = db ? sqlite3_errmsg(db) : "open failed";
      sqlite3_close(db);
      throw std::runtime_error("sqlite open " + path + ": " + err);
    }
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      const std::string err = sqlite3_errmsg(db);
      sqlite3_close(db);
      throw std::runtime_error("sqlite prepare: " + err + " in " + sql);
    }
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(stmt, 0);
      first = text ? std::string(reinterpret_cast<const char*>(text)) : std::string();
    } else if (rc != SQLITE_DONE) {
      const std::string err = sqlite3_errmsg(db);
      sqlite3_finalize(stmt);
      sqlite3_close(db);
      throw std::runtime_error("sqlite step: " + err + " in " + sql);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return first;
  }
  PGconn* c = PQconnectdb(server.env().at("DATABASE_URL").c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    const std::string err = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("postgres connect: " + err);
  }
  PGresult* r = PQexec(c, sql.c_str());
  const auto status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const std::string err = PQerrorMessage(c);
    PQclear(r);
    PQfinish(c);
    throw std::runtime_error("postgres: " + err + " in " + sql);
  }
  if (status == PGRES_TUPLES_OK && PQntuples(r) > 0) first = std::string(PQgetvalue(r, 0, 0));
  PQclear(r);
  PQfinish(c);
  return first;
}

}  // namespace

void exec_sql(const GatehouseProcess& server, const std::string& sql) { run_sql(server, sql); }

std::string query_scalar(const GatehouseProcess& server, const std::string& sql) {
  return run_sql(server, sql).value_or("");
}

void promote_to_admin(const GatehouseProcess& server, std::int64_t user_id) {
  exec_sql(server, "UPDATE users SET role = 'admin' WHERE id = " + std::to_string(user_id));
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace gatehouse::testing
