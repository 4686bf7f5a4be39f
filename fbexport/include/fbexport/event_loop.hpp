#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "fbexport/unique_fd.hpp"

namespace fbx {

// A single-threaded epoll loop: fd readiness, timers (timerfd), work posted
// from other threads (eventfd) and SIGINT/SIGTERM/SIGHUP (signalfd) all
// arrive as handlers run on the loop's thread, one at a time.
class EventLoop {
public:
    using Handler = std::function<void()>;

    // Blocks SIGINT, SIGTERM and SIGHUP in the calling thread, so construct
    // the loop before starting threads: they inherit the mask and the loop
    // gets the signals.
    EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;
    ~EventLoop();

    // Runs `on_readable` each time `fd` is readable, until unwatch(fd).
    void watch(int fd, Handler on_readable);
    void unwatch(int fd);

    // Queues `work` to run on the loop's thread; safe from any thread.
    void post(Handler work);

    // SIGHUP runs `on_hangup` on the loop's thread (a daemon's reload) and
    // the loop goes on; without one, SIGHUP stops the loop like SIGTERM.
    void on_hangup(Handler on_hangup) { on_hangup_ = std::move(on_hangup); }

    // Runs until stop() or a SIGINT/SIGTERM (or SIGHUP with no on_hangup);
    // returns the signal number that ended it, or 0.
    int run();
    void stop() { running_ = false; }

private:
    void drain_posted();

    UniqueFd epoll_;
    UniqueFd wakeup_;
    UniqueFd signals_;
    std::unordered_map<int, Handler> handlers_;
    Handler on_hangup_;
    std::mutex posted_mutex_;
    std::vector<Handler> posted_;
    bool running_ = false;
    int stop_signal_ = 0;
};

// A one-shot timer on an EventLoop; re-arm it from its own handler for periodic work.
class Timer {
public:
    Timer(EventLoop& loop, EventLoop::Handler on_expiry);
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;
    ~Timer();

    // Fires once after `delay` (0: as soon as the loop turns), replacing any pending expiry.
    void arm(std::chrono::milliseconds delay);
    void disarm();
    bool armed() const { return armed_; }

private:
    EventLoop& loop_;
    UniqueFd fd_;
    EventLoop::Handler on_expiry_;
    bool armed_ = false;
};

}  // namespace fbx
