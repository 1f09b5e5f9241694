#include "core/log.h"

#include <unistd.h>

#include <atomic>

namespace newsdex::core {
namespace {
std::atomic<int> min_severity{static_cast<int>(LogSeverity::kInfo)};
}  // namespace

void SetMinLogSeverity(LogSeverity severity) {
  min_severity.store(static_cast<int>(severity));
}

LogMessage::LogMessage(LogSeverity severity, const char*, int)
    : severity_(severity) {
  switch (severity) {
    case LogSeverity::kInfo: break;
    case LogSeverity::kWarning: stream_ << "warning: "; break;
    case LogSeverity::kError: stream_ << "error: "; break;
  }
}

LogMessage::~LogMessage() {
  if (static_cast<int>(severity_) < min_severity.load()) return;
  stream_ << '\n';
  const std::string s = stream_.str();
  // One write() so concurrent messages do not interleave.
  ssize_t ignored = ::write(2, s.data(), s.size());
  (void)ignored;
}

}  // namespace newsdex::core
