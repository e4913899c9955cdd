#include "mail/mailer.hpp"

#include "mail/mime.hpp"
#include "observability/log.hpp"

namespace gatehouse::mail {

Mailer::Mailer(store::OutboxRepository& outbox, Clock clock, std::function<void()> on_enqueued)
    : outbox_(outbox), clock_(std::move(clock)), on_enqueued_(std::move(on_enqueued)) {}

Status Mailer::enqueue(const EmailMessage& message) {
  if (!valid_address(message.to_address)) {
    return Error::invalid_input("invalid email recipient address");
  }
  auto id = outbox_.enqueue(std::string(kEmailOutboxKind), to_payload(message), clock_());
  if (!id) return id.error();
  obs::debug(obs::Category::kEmail, "Email {} to {} queued: \"{}\"", *id, message.to_address,
             message.subject);
  if (on_enqueued_) on_enqueued_();
  return ok();
}

}  // namespace gatehouse::mail
