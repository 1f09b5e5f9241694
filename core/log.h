// Minimal logging to stderr: NEWSDEX_LOG(INFO) << "indexed " << n;
// Debian 12's Abseil has no absl/log. Thread-safe: each message is written
// with a single write to stderr when the statement ends.
#ifndef NEWSDEX_CORE_LOG_H_
#define NEWSDEX_CORE_LOG_H_

#include <sstream>
#include <string>

namespace newsdex::core {

enum class LogSeverity { kInfo, kWarning, kError };

// Messages below this severity are dropped. Default kInfo.
void SetMinLogSeverity(LogSeverity severity);

class LogMessage {
 public:
  LogMessage(LogSeverity severity, const char* file, int line);
  ~LogMessage();
  LogMessage(const LogMessage&) = delete;
  LogMessage& operator=(const LogMessage&) = delete;
  std::ostream& stream() { return stream_; }

 private:
  LogSeverity severity_;
  std::ostringstream stream_;
};

}  // namespace newsdex::core

#define NEWSDEX_LOG_SEVERITY_INFO ::newsdex::core::LogSeverity::kInfo
#define NEWSDEX_LOG_SEVERITY_WARNING ::newsdex::core::LogSeverity::kWarning
#define NEWSDEX_LOG_SEVERITY_ERROR ::newsdex::core::LogSeverity::kError
#define NEWSDEX_LOG(severity)                                              \
  ::newsdex::core::LogMessage(NEWSDEX_LOG_SEVERITY_##severity, __FILE__, \
                              __LINE__)                                    \
      .stream()

#endif  // NEWSDEX_CORE_LOG_H_
