// An EventLoop on a thread of its own, for tests that drive the service's
// parts in process (ServedDisplays, VgpuDeviceWatch).
#pragma once

#include <future>
#include <memory>
#include <thread>
#include <type_traits>

#include "fbexport/event_loop.hpp"

namespace fbx::test {

// An EventLoop on a thread of its own; everything touching the loop's
// objects runs there, through run().
class LoopThread {
public:
    LoopThread() : thread_([this] { loop_.run(); }) {}
    ~LoopThread() {
        loop_.post([this] { loop_.stop(); });
        thread_.join();
    }
    EventLoop& loop() { return loop_; }

    template <typename F>
    auto run(F work) -> decltype(work()) {
        using R = decltype(work());
        std::promise<R> done;
        loop_.post([&] {
            try {
                if constexpr (std::is_void_v<R>) {
                    work();
                    done.set_value();
                } else {
                    done.set_value(work());
                }
            } catch (...) {
                done.set_exception(std::current_exception());
            }
        });
        return done.get_future().get();
    }

private:
    EventLoop loop_;
    std::thread thread_;
};

// An object of the loop's, made and destroyed on the loop's thread (also
// when a test ends early).
template <typename T>
class OnLoop {
public:
    template <typename Make>
    OnLoop(LoopThread& thread, Make make) : thread_(thread), object_(thread.run(make)) {}
    ~OnLoop() {
        thread_.run([this] { object_.reset(); });
    }
    T* operator->() { return object_.get(); }
    void reset() {
        thread_.run([this] { object_.reset(); });
    }

private:
    LoopThread& thread_;
    std::unique_ptr<T> object_;
};

}  // namespace fbx::test
