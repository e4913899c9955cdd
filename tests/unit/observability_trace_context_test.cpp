// W3C Trace Context level 1: the traceparent parser (every way a header can be wrong), the
// ids we make, the outgoing header, and the per-thread current trace that log lines name
// (docs/operations.md "Trace context").
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <thread>

#include "observability/trace_context.hpp"

namespace gatehouse::obs {
namespace {

const std::string kTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
const std::string kParent = "00f067aa0ba902b7";
const std::string kValid = "00-" + kTrace + "-" + kParent + "-01";

bool valid(const std::string& value) { return parse_traceparent(value).has_value(); }

TEST(TraceParent, ParsesAValidHeader) {
  const auto p = parse_traceparent(kValid);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->trace_id, kTrace);
  EXPECT_EQ(p->parent_id, kParent);
  EXPECT_EQ(p->flags, "01");
  EXPECT_TRUE(valid("00-" + kTrace + "-" + kParent + "-00"));
  // Flags other than "sampled" are undefined in level 1 but still valid hex.
  EXPECT_TRUE(valid("00-" + kTrace + "-" + kParent + "-ff"));
}

TEST(TraceParent, RefusesMalformedValues) {
  for (const std::string& bad : {
           std::string(), std::string("garbage"),
           "00_" + kTrace + "-" + kParent + "-01",                 // wrong separator
           "00-" + kTrace + "_" + kParent + "-01",                 // wrong separator
           "00-" + kTrace + "-" + kParent + "_01",                 // wrong separator
           "00-" + kTrace.substr(1) + "-" + kParent + "-01",       // trace-id too short
           "00-" + kTrace + "0-" + kParent + "-01",                // trace-id too long
           "00-" + kTrace + "-" + kParent.substr(1) + "-01",       // parent-id too short
           "00-" + kTrace + "-" + kParent + "-1",                  // flags too short
           "00-" + kTrace + "-" + kParent + "-0g",                 // flags not hex
           "00-" + kTrace + "-" + kParent + "-0F",                 // flags upper case
           "0-" + kTrace + "-" + kParent + "-01",                  // version too short
           "zz-" + kTrace + "-" + kParent + "-01",                 // version not hex
           "00-" + kTrace.substr(0, 31) + "g-" + kParent + "-01",  // trace-id not hex
           " " + kValid,                                           // leading junk
       }) {
    EXPECT_FALSE(valid(bad)) << bad;
  }
}

TEST(TraceParent, RefusesAllZeroIds) {
  EXPECT_FALSE(valid("00-" + std::string(32, '0') + "-" + kParent + "-01"));
  EXPECT_FALSE(valid("00-" + kTrace + "-" + std::string(16, '0') + "-01"));
}

TEST(TraceParent, RefusesUpperCaseHex) {
  EXPECT_FALSE(valid("00-4BF92F3577B34DA6A3CE929D0E0E4736-" + kParent + "-01"));
  EXPECT_FALSE(valid("00-" + kTrace + "-00F067AA0BA902B7-01"));
  EXPECT_FALSE(valid("0A-" + kTrace + "-" + kParent + "-01"));
}

TEST(TraceParent, RefusesVersionFf) { EXPECT_FALSE(valid("ff-" + kTrace + "-" + kParent + "-01")); }

TEST(TraceParent, Version00MustNotBeLonger) {
  EXPECT_FALSE(valid(kValid + "-extra"));
  EXPECT_FALSE(valid(kValid + "0"));
  EXPECT_FALSE(valid(kValid + "-"));
}

TEST(TraceParent, HigherVersionsMayAddFields) {
  const auto p = parse_traceparent("cc-" + kTrace + "-" + kParent + "-01-what-the-future-adds");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->trace_id, kTrace);
  EXPECT_TRUE(valid("01-" + kTrace + "-" + kParent + "-01"));
  // ... but only after a dash, and the first four parts must parse.
  EXPECT_FALSE(valid("cc-" + kTrace + "-" + kParent + "-01x"));
  EXPECT_FALSE(valid("cc-" + kTrace + "-" + kParent + "-0"));
  EXPECT_FALSE(valid("cc-" + std::string(32, '0') + "-" + kParent + "-01-x"));
}

TEST(TraceContext, KeepsAValidTraceAndMakesOurOwnSpan) {
  const TraceContext t = incoming_trace(kValid);
  EXPECT_EQ(t.trace_id, kTrace);
  EXPECT_EQ(t.flags, "01");
  EXPECT_NE(t.span_id, kParent);
  EXPECT_EQ(format_traceparent(t), "00-" + kTrace + "-" + t.span_id + "-01");
  // Unknown flag bits are not passed on.
  EXPECT_EQ(incoming_trace("00-" + kTrace + "-" + kParent + "-fe").flags, "00");
  EXPECT_EQ(incoming_trace("00-" + kTrace + "-" + kParent + "-0b").flags, "01");
}

TEST(TraceContext, InvalidOrMissingHeaderGetsAFreshTrace) {
  const std::regex shape("00-[0-9a-f]{32}-[0-9a-f]{16}-00");
  const std::string all_zero = "00-" + std::string(32, '0') + "-" + kParent + "-01";
  for (const std::optional<std::string_view> header :
       {std::optional<std::string_view>(), std::optional<std::string_view>("nonsense"),
        std::optional<std::string_view>(all_zero)}) {
    const TraceContext t = incoming_trace(header);
    EXPECT_NE(t.trace_id, std::string(32, '0'));
    EXPECT_NE(t.trace_id, kTrace);
    EXPECT_TRUE(std::regex_match(format_traceparent(t), shape)) << format_traceparent(t);
    EXPECT_TRUE(parse_traceparent(format_traceparent(t)));
  }
  EXPECT_NE(incoming_trace(std::nullopt).trace_id, incoming_trace(std::nullopt).trace_id);
}

TEST(TraceContext, OutgoingHeaderKeepsTheTraceWithANewSpan) {
  const std::string a = outgoing_traceparent(kTrace, "01");
  const std::string b = outgoing_traceparent(kTrace, "01");
  const auto pa = parse_traceparent(a);
  ASSERT_TRUE(pa) << a;
  EXPECT_EQ(pa->trace_id, kTrace);
  EXPECT_EQ(pa->flags, "01");
  EXPECT_NE(a, b);
  EXPECT_EQ(parse_traceparent(outgoing_traceparent(kTrace))->flags, "00");
}

TEST(TraceContext, ScopeSetsTheCurrentTraceOfThisThreadOnly) {
  EXPECT_EQ(current_trace(), nullptr);
  const TraceContext outer = incoming_trace(kValid);
  {
    const TraceScope scope(outer);
    ASSERT_NE(current_trace(), nullptr);
    EXPECT_EQ(current_trace()->trace_id, kTrace);
    const TraceContext* seen_elsewhere = &outer;
    std::thread([&] { seen_elsewhere = current_trace(); }).join();
    EXPECT_EQ(seen_elsewhere, nullptr);
    const TraceContext inner = incoming_trace(std::nullopt);
    {
      const TraceScope nested(inner);
      EXPECT_EQ(current_trace(), &inner);
    }
    EXPECT_EQ(current_trace(), &outer);
  }
  EXPECT_EQ(current_trace(), nullptr);
}

}  // namespace
}  // namespace gatehouse::obs
