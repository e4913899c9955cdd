#pragma once
// The mail layer reads time through this, so tests can move it without sleeping.
#include <functional>

#include "store/time.hpp"

namespace gatehouse::mail {

using Clock = std::function<store::Timestamp()>;

}  // namespace gatehouse::mail
