#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace fbx {

// A fixed set of threads that run the items of one batch at a time; the
// calling thread works too, so a pool of n threads uses n + 1 cores.
// Threads are started once: starting them per frame would cost more than a
// small damage takes to convert.
class WorkerPool {
public:
    explicit WorkerPool(std::size_t threads);
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;
    ~WorkerPool();

    std::size_t threads() const { return workers_.size(); }

    // Runs item(0) .. item(count - 1), spread over the pool and the caller;
    // returns when all are done. The first exception an item throws is
    // rethrown here, after the others finished.
    void run(std::size_t count, const std::function<void(std::size_t)>& item);

private:
    void work();
    void take_items();

    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable done_;
    const std::function<void(std::size_t)>* item_ = nullptr;
    std::size_t count_ = 0;
    std::size_t next_ = 0;
    std::size_t finished_ = 0;
    std::size_t generation_ = 0;
    std::exception_ptr error_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace fbx
