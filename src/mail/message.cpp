#include "mail/message.hpp"

#include <boost/json.hpp>

namespace gatehouse::mail {

namespace {

constexpr std::string_view kFields[] = {"to_address", "to_name", "subject", "html", "text"};

std::string* field_of(EmailMessage& m, std::string_view name) {
  if (name == "to_address") return &m.to_address;
  if (name == "to_name") return &m.to_name;
  if (name == "subject") return &m.subject;
  if (name == "html") return &m.html;
  return &m.text;
}

}  // namespace

std::string to_payload(const EmailMessage& message) {
  boost::json::object o;
  o["to_address"] = message.to_address;
  o["to_name"] = message.to_name;
  o["subject"] = message.subject;
  o["html"] = message.html;
  o["text"] = message.text;
  return boost::json::serialize(o);
}

Result<EmailMessage> parse_payload(std::string_view payload) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(payload, ec);
  if (ec) return Error::internal("email payload is not JSON: " + ec.message());
  const auto* o = v.if_object();
  if (o == nullptr) return Error::internal("email payload is not a JSON object");
  EmailMessage m;
  for (std::string_view name : kFields) {
    const auto* f = o->if_contains(name);
    const auto* s = f == nullptr ? nullptr : f->if_string();
    if (s == nullptr) {
      return Error::internal("email payload: \"" + std::string(name) +
                             "\" missing or not a string");
    }
    *field_of(m, name) = std::string(s->data(), s->size());
  }
  if (m.to_address.empty()) return Error::internal("email payload: empty to_address");
  return m;
}

}  // namespace gatehouse::mail
