#include "core/request_origin.hpp"

namespace gatehouse {

namespace {
thread_local RequestOrigin* t_origin = nullptr;
}  // namespace

RequestOrigin* current_origin() { return t_origin; }

OriginScope::OriginScope(RequestOrigin& origin) : previous_(t_origin) { t_origin = &origin; }
OriginScope::~OriginScope() { t_origin = previous_; }

}  // namespace gatehouse
