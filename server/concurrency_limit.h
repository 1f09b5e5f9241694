// An optional limit on how many searches the daemon runs at once.
//
// Thread safety: a ConcurrencyLimit may be shared by any number of threads;
// a Slot belongs to the thread that made it.
#ifndef NEWSDEX_SERVER_CONCURRENCY_LIMIT_H_
#define NEWSDEX_SERVER_CONCURRENCY_LIMIT_H_

#include <deque>
#include <mutex>

namespace newsdex::server {

// Admits at most `slots` callers at a time, first come first served. The
// daemon runs searches through it when --max-searches is set, so that many
// busy connections on few cores do not all search at once. Measured on the
// shared 2-core VM (8 connections, limit 2): no CPU saved per request and
// lower throughput, hence off by default.
class ConcurrencyLimit {
 public:
  // slots <= 0: no limit.
  explicit ConcurrencyLimit(int slots) : slots_(slots) {}
  ConcurrencyLimit(const ConcurrencyLimit&) = delete;
  ConcurrencyLimit& operator=(const ConcurrencyLimit&) = delete;

  // Holds a slot from construction to destruction; waits for one if all are
  // taken. A null limit admits at once.
  class Slot {
   public:
    explicit Slot(ConcurrencyLimit* limit) : limit_(limit) {
      if (limit_ != nullptr) limit_->Acquire();
    }
    ~Slot() {
      if (limit_ != nullptr) limit_->Release();
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    ConcurrencyLimit* limit_;
  };

  int slots() const { return slots_; }

 private:
  struct Waiter;
  void Acquire();
  void Release();

  const int slots_;
  std::mutex mu_;
  int in_use_ = 0;               // guarded by mu_
  std::deque<Waiter*> waiters_;  // guarded by mu_; oldest first
};

}  // namespace newsdex::server

#endif  // NEWSDEX_SERVER_CONCURRENCY_LIMIT_H_
