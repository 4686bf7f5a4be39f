#include "worker_pool.hpp"

#include <utility>

namespace fbx {

WorkerPool::WorkerPool(std::size_t threads) {
    workers_.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i) {
        workers_.emplace_back([this] { work(); });
    }
}

WorkerPool::~WorkerPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) {
        t.join();
    }
}

// Claims and runs items of the current batch until none is left.
void WorkerPool::take_items() {
    std::unique_lock lock(mutex_);
    while (next_ < count_) {
        const std::size_t index = next_++;
        const auto* item = item_;
        lock.unlock();
        std::exception_ptr failure;
        try {
            (*item)(index);
        } catch (...) {
            failure = std::current_exception();
        }
        lock.lock();
        if (failure && !error_) {
            error_ = failure;
        }
        if (++finished_ == count_) {
            done_.notify_all();
        }
    }
}

void WorkerPool::work() {
    std::size_t seen = 0;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
            if (stopping_) {
                return;
            }
            seen = generation_;
        }
        take_items();
    }
}

void WorkerPool::run(std::size_t count, const std::function<void(std::size_t)>& item) {
    if (count == 0) {
        return;
    }
    {
        std::lock_guard lock(mutex_);
        item_ = &item;
        count_ = count;
        next_ = 0;
        finished_ = 0;
        error_ = nullptr;
        ++generation_;
    }
    if (count > 1) {
        wake_.notify_all();
    }
    take_items();
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return finished_ == count_; });
    count_ = 0;
    item_ = nullptr;
    if (error_) {
        std::rethrow_exception(std::exchange(error_, nullptr));
    }
}

}  // namespace fbx
