#include "http/transport_metrics.hpp"

#include "observability/standard_metrics.hpp"

namespace gatehouse::http {

void count_rejection(Rejection why) { obs::count_http_rejection(rejection_reason(why)); }

}  // namespace gatehouse::http
