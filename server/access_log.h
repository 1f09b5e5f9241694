// newsdexd's access log: one JSON line per request, written in batches.
//
// Workers append whole lines to a shared buffer (a short critical section, no
// system call); a background thread writes the buffer out every
// flush_interval, or sooner once it holds flush_bytes, so a request costs
// neither a write() nor a JSON tree. Lines never interleave, as each is
// appended in one piece. The destructor writes what is left, so a
// graceful shutdown loses no line.
//
// Thread safety: Append and Flush may be called from any thread at once.
#ifndef NEWSDEX_SERVER_ACCESS_LOG_H_
#define NEWSDEX_SERVER_ACCESS_LOG_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace newsdex::server {

// One request as the log records it.
struct AccessLogEntry {
  absl::Time time;
  absl::string_view method;
  absl::string_view target;
  absl::string_view route;
  int status = 0;
  size_t bytes = 0;
  absl::Duration latency;
  absl::string_view remote;
};

// The line for `entry`, newline included:
// {"ts","method","target","route","status","bytes","latency_ms","remote"}
// (docs/api.md). The method is cut at 16 bytes, the target at 512.
std::string FormatAccessLogLine(const AccessLogEntry& entry);

class AccessLog {
 public:
  // Writes to `fd`, closing it at the end if `owns_fd`. The buffer is written
  // out every `flush_interval` and whenever it reaches `flush_bytes`; above
  // `max_buffer_bytes` (the log cannot keep up) lines are dropped and counted,
  // rather than stalling requests or growing without bound.
  AccessLog(int fd, bool owns_fd, absl::Duration flush_interval = absl::Milliseconds(100),
            size_t flush_bytes = 64 << 10, size_t max_buffer_bytes = 16 << 20);
  // Writes out what is buffered, stops the flusher, closes an owned fd.
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // Queues `line` (which should end in '\n').
  void Append(absl::string_view line);
  // Writes out everything appended so far before returning.
  void Flush();

  uint64_t dropped_lines() const;

 private:
  void Run();
  // Takes the buffer and writes it; callers hold write_mu_, not mu_.
  void WriteOut();

  const int fd_;
  const bool owns_fd_;
  const absl::Duration flush_interval_;
  const size_t flush_bytes_;
  const size_t max_buffer_bytes_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string buffer_;        // guarded by mu_
  bool stop_ = false;         // guarded by mu_
  uint64_t dropped_ = 0;      // guarded by mu_
  std::mutex write_mu_;       // one writer at a time keeps the lines in order
  std::string writing_;       // guarded by write_mu_
  std::thread thread_;
};

}  // namespace newsdex::server

#endif  // NEWSDEX_SERVER_ACCESS_LOG_H_
