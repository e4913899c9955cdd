#pragma once
// The webhooks layer reads time through this, so tests can move it without sleeping.
#include <functional>

#include "store/time.hpp"

namespace gatehouse::webhooks {

using Clock = std::function<store::Timestamp()>;

}  // namespace gatehouse::webhooks
