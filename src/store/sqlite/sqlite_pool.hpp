#pragma once
#include "store/connection_pool.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace gatehouse::store::sqlite {

using Pool = ConnectionPool<Connection>;

}  // namespace gatehouse::store::sqlite
