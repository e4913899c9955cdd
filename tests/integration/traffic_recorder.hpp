#pragma once
// Records every request/response pair the integration tests exchange through HttpClient, so
// a later test (openapi.traffic_check: tests/node/check-traffic.mjs) validates each one
// against the OpenAPI document: its status must be declared and its body must match the
// declared schema. On only when GATEHOUSE_TRAFFIC_DIR is set (CTest sets it).
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gatehouse::testing {

struct HttpResponse;

// The settings of the server listening on `port` that decide which routes it has (API_ROOT,
// NO_ROOT_ROUTE, METRICS_ENABLED, …), recorded with each exchange so the checker compares
// it with the document of a server configured the same way.
void note_server(int port, const std::map<std::string, std::string>& env);

void record_exchange(int port, const std::string& method, const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers,
                     const std::string& body, const HttpResponse& response);

}  // namespace gatehouse::testing
