#include "traffic_recorder.hpp"

#include <unistd.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>

#include "harness.hpp"

namespace gatehouse::testing {

namespace {

// Bodies beyond this are not recorded (the largest JSON answers are a page of 100 users).
constexpr std::size_t kMaxRecordedBody = 1 << 20;

std::mutex& recorder_mutex() {
  static std::mutex m;
  return m;
}

// The settings that change the route table, hence the document.
constexpr const char* kRouteSettings[] = {"API_ROOT", "NO_ROOT_ROUTE", "METRICS_ENABLED",
                                          "ADMIN_PAGES_ENABLED"};

std::map<int, boost::json::object>& servers() {
  static std::map<int, boost::json::object> by_port;
  return by_port;
}

bool is_json(const std::string& content_type) {
  return content_type.find("json") != std::string::npos;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string program_name() {
  std::ifstream comm("/proc/self/comm");
  std::string name;
  std::getline(comm, name);
  return name.empty() ? "test" : name;
}

}  // namespace

void note_server(int port, const std::map<std::string, std::string>& env) {
  boost::json::object config;
  for (const char* name : kRouteSettings) {
    if (const auto it = env.find(name); it != env.end()) config[name] = it->second;
  }
  std::lock_guard lock(recorder_mutex());
  servers()[port] = std::move(config);
}

void record_exchange(int port, const std::string& method, const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers,
                     const std::string& body, const HttpResponse& response) {
  const char* dir = std::getenv("GATEHOUSE_TRAFFIC_DIR");
  if (!dir || !*dir) return;
  std::string request_type = body.empty() ? "" : "application/json";
  for (const auto& [name, value] : headers) {
    if (lower(name) == "content-type") request_type = value;
  }
  const std::string response_type = response.header("Content-Type").value_or("");
  boost::json::object line{{"method", method},
                           {"target", target},
                           {"request_type", request_type},
                           {"status", response.status},
                           {"response_type", response_type}};
  if (is_json(request_type) && body.size() <= kMaxRecordedBody) line["request_body"] = body;
  if (is_json(response_type) && response.body.size() <= kMaxRecordedBody) {
    line["response_body"] = response.body;
  }
  line["response_length"] = response.body.size();
  std::lock_guard lock(recorder_mutex());
  const auto server = servers().find(port);
  line["config"] = server == servers().end() ? boost::json::object{} : server->second;
  line["backend"] = test_backend();
  const std::string path = std::string(dir) + "/" + program_name() + "-" +
                           std::to_string(::getpid()) + ".jsonl";
  std::ofstream out(path, std::ios::app);
  out << boost::json::serialize(line) << "\n";
}

}  // namespace gatehouse::testing
