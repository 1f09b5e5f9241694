#include "server/access_log.h"

#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "query/json_writer.h"

namespace newsdex::server {

std::string FormatAccessLogLine(const AccessLogEntry& e) {
  std::string line;
  line.reserve(160 + e.target.size());
  line.append("{\"ts\":\"");
  line.append(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", e.time, absl::UTCTimeZone()));
  line.append("\",\"method\":");
  query::AppendJsonString(e.method.substr(0, 16), &line);
  line.append(",\"target\":");
  query::AppendJsonString(e.target.substr(0, 512), &line);
  line.append(",\"route\":");
  query::AppendJsonString(e.route, &line);
  absl::StrAppend(&line, ",\"status\":", e.status, ",\"bytes\":", e.bytes, ",\"latency_ms\":");
  query::AppendJsonDouble(absl::ToDoubleMilliseconds(e.latency), &line);
  line.append(",\"remote\":");
  query::AppendJsonString(e.remote, &line);
  line.append("}\n");
  return line;
}

AccessLog::AccessLog(int fd, bool owns_fd, absl::Duration flush_interval, size_t flush_bytes,
                     size_t max_buffer_bytes)
    : fd_(fd),
      owns_fd_(owns_fd),
      flush_interval_(flush_interval),
      flush_bytes_(flush_bytes),
      max_buffer_bytes_(max_buffer_bytes),
      thread_([this] { Run(); }) {}

AccessLog::~AccessLog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  Flush();
  if (owns_fd_) ::close(fd_);
}

void AccessLog::Append(absl::string_view line) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (buffer_.size() + line.size() > max_buffer_bytes_) {
      ++dropped_;
      return;
    }
    buffer_.append(line.data(), line.size());
    wake = buffer_.size() >= flush_bytes_;
  }
  if (wake) cv_.notify_one();
}

void AccessLog::Flush() {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  WriteOut();
}

uint64_t AccessLog::dropped_lines() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

void AccessLog::WriteOut() {
  uint64_t dropped = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    writing_.swap(buffer_);
    dropped = dropped_;
    dropped_ = 0;
  }
  // Chunks of whole lines up to PIPE_BUF bytes: when the log is a pipe (stderr
  // under a supervisor) such writes are atomic, so the daemon's other
  // messages cannot land inside a line. Still ~40 lines per system call.
  size_t done = 0;
  bool broken = false;
  while (done < writing_.size() && !broken) {
    size_t end = done + std::min<size_t>(PIPE_BUF, writing_.size() - done);
    if (end < writing_.size()) {
      const size_t last_newline = writing_.rfind('\n', end - 1);
      if (last_newline != std::string::npos && last_newline >= done) {
        end = last_newline + 1;
      } else {  // one line longer than PIPE_BUF: write it whole
        const size_t newline = writing_.find('\n', done);
        end = newline == std::string::npos ? writing_.size() : newline + 1;
      }
    }
    while (done < end) {
      const ssize_t n = ::write(fd_, writing_.data() + done, end - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {  // a broken log must not stop the daemon
        broken = true;
        break;
      }
      done += static_cast<size_t>(n);
    }
  }
  // Keep the capacity: the two buffers swap back and forth without reallocating.
  writing_.clear();
  if (dropped > 0) {
    NEWSDEX_LOG(WARNING) << "access log could not keep up: dropped " << dropped << " lines";
  }
}

void AccessLog::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, absl::ToChronoMilliseconds(flush_interval_),
                 [this] { return stop_ || buffer_.size() >= flush_bytes_; });
    if (buffer_.empty()) continue;
    lock.unlock();
    Flush();
    lock.lock();
  }
}

}  // namespace newsdex::server
