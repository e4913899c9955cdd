#pragma once
// Mailer: what services call to send an email. It only writes the message to the durable
// outbox (kind "email") and wakes the worker; the OutboxWorker delivers it later, so a
// request never waits on SMTP and a delivery failure never changes a response
// (docs/http-api.md §11 "Email").
// Safe for concurrent use (as the OutboxRepository it writes to).
#include <functional>

#include "core/result.hpp"
#include "mail/clock.hpp"
#include "mail/message.hpp"
#include "store/outbox_repository.hpp"

namespace gatehouse::mail {

class Mailer {
 public:
  // `on_enqueued` runs after each successful enqueue (the app passes the worker's notify()
  // so the message goes out at once rather than at the next poll); may be empty.
  explicit Mailer(store::OutboxRepository& outbox, Clock clock = store::now_utc,
                  std::function<void()> on_enqueued = {});

  // Stores `message` for delivery now. Errors: kBadRequest for an invalid to_address (the
  // message could never be sent); the repository's error when the outbox write fails.
  Status enqueue(const EmailMessage& message);

 private:
  store::OutboxRepository& outbox_;
  Clock clock_;
  std::function<void()> on_enqueued_;
};

}  // namespace gatehouse::mail
