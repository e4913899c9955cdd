#pragma once
// Result<T>: a value or an Error. boost::system::result is the expected-like type of
// Boost 1.81 (std::expected is C++23); this alias keeps the choice in one place.
#include <boost/system/result.hpp>

#include "core/error.hpp"

namespace gatehouse {

template <class T>
using Result = boost::system::result<T, Error>;

// Result of an operation that yields nothing but may fail.
struct Unit {};
using Status = Result<Unit>;

inline Status ok() { return Unit{}; }

}  // namespace gatehouse
