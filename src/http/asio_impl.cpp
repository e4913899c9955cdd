// The one translation unit that compiles Asio and Beast (BOOST_*_SEPARATE_COMPILATION), so
// that no other file pays for their implementation.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
