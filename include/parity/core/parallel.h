// Parallel work with results consumed in the calling thread: the thread pool of `parity
// profile` (episodes are independent; storing their results is not).
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "parity/core/status.h"

namespace parity {

// Runs produce(i) for every i in [0, count) on `threads` worker threads (1 = inline, in order)
// and calls consume(i, result) on the calling thread as results complete (in completion order;
// at most 3 x threads results wait, so memory stays bounded). produce must be safe to call
// concurrently for different i. When consume returns a non-ok status, no new item starts, the
// running ones finish and are discarded, and that status is returned.
template <typename T>
Status parallel_consume(std::size_t count, unsigned threads,
                        const std::function<T(std::size_t)>& produce,
                        const std::function<Status(std::size_t, T&&)>& consume) {
  threads = std::max(1u, threads);
  if (threads == 1 || count <= 1) {
    for (std::size_t i = 0; i < count; ++i) PARITY_RETURN_IF_ERROR(consume(i, produce(i)));
    return {};
  }
  const std::size_t capacity = 2 * static_cast<std::size_t>(threads);
  std::mutex mutex;
  std::condition_variable ready;  // a result is queued, or a worker ended
  std::condition_variable space;  // the queue has room, or work was cancelled
  std::deque<std::pair<std::size_t, T>> queue;
  std::atomic<std::size_t> next{0};
  bool cancelled = false;
  unsigned running = threads;

  auto worker = [&] {
    while (true) {
      {
        std::unique_lock lock(mutex);
        space.wait(lock, [&] { return cancelled || queue.size() < capacity; });
        if (cancelled) break;
      }
      const std::size_t i = next.fetch_add(1);
      if (i >= count) break;
      T result = produce(i);
      std::lock_guard lock(mutex);
      if (cancelled) break;
      queue.emplace_back(i, std::move(result));
      ready.notify_one();
    }
    std::lock_guard lock(mutex);
    --running;
    ready.notify_one();
  };
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);

  Status status;
  while (true) {
    std::unique_lock lock(mutex);
    ready.wait(lock, [&] { return !queue.empty() || running == 0; });
    if (queue.empty()) break;
    auto item = std::move(queue.front());
    queue.pop_front();
    space.notify_one();
    lock.unlock();
    if (status.ok()) {
      status = consume(item.first, std::move(item.second));
      if (!status.ok()) {
        std::lock_guard cancel_lock(mutex);
        cancelled = true;
        queue.clear();
        space.notify_all();
      }
    }
  }
  for (std::thread& thread : pool) thread.join();
  return status;
}

}  // namespace parity
