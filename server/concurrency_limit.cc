#include "server/concurrency_limit.h"

#include <condition_variable>

namespace newsdex::server {

struct ConcurrencyLimit::Waiter {
  std::condition_variable cv;
  bool admitted = false;
};

void ConcurrencyLimit::Acquire() {
  if (slots_ <= 0) return;
  std::unique_lock<std::mutex> lock(mu_);
  if (in_use_ < slots_ && waiters_.empty()) {
    ++in_use_;
    return;
  }
  Waiter me;
  waiters_.push_back(&me);
  me.cv.wait(lock, [&me] { return me.admitted; });
}

void ConcurrencyLimit::Release() {
  if (slots_ <= 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (waiters_.empty()) {
    --in_use_;
    return;
  }
  // Hand the slot straight to the oldest waiter: one wake-up, and nobody
  // arriving meanwhile can overtake it.
  Waiter* next = waiters_.front();
  waiters_.pop_front();
  next->admitted = true;
  next->cv.notify_one();
}

}  // namespace newsdex::server
