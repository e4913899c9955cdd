#pragma once
// Counters of the transport's refusals (docs/http-api.md §8: http_rejected_total{reason}).
#include "http/handler.hpp"

namespace gatehouse::http {

void count_rejection(Rejection why);

}  // namespace gatehouse::http
