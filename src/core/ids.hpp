#pragma once
// Random RFC 4122 version-4 UUIDs, in two strengths:
//   new_uuid()        draws from the OS CSPRNG (libsodium's randombytes_buf). Use it for every
//                     id that is stored or that someone could gain by guessing: session and
//                     API-key ids, anything that may end up in a URL or a database.
//   new_request_id()  a per-thread PRNG, for request ids only: they correlate log lines, are
//                     echoed to the client anyway, and are made on every request, where one
//                     getrandom() call per id would cost more than the rest of a cheap route.
#include <cstddef>
#include <string>

namespace gatehouse {

// A version-4 UUID from the CSPRNG, canonical lower-case form. Thread-safe.
std::string new_uuid();

// A version-7 UUID (RFC 9562): 48 bits of Unix time in milliseconds, then 74 bits from the
// CSPRNG. Ids made later sort later, so a table keyed by them appends at the end of its index
// instead of writing a random page per insert. The creation time can be read from the id: use
// it only where that time is no secret (a session's created_at is shown to its owner).
std::string new_time_ordered_uuid();

// A version-4 UUID from a per-thread mt19937_64 whose whole state is seeded from the CSPRNG.
// Unique in practice, not unpredictable: never store it or use it as a secret. Thread-safe.
std::string new_request_id();

// `bytes` random bytes as lower-case hex, from the same per-thread generator as
// new_request_id(): for correlation ids (trace and span ids), never for secrets. Thread-safe.
std::string new_correlation_hex(std::size_t bytes);

// True when `s` is a canonical 8-4-4-4-12 hex UUID (any case).
bool is_uuid(const std::string& s);

}  // namespace gatehouse
