#include "fbexport/event_loop.hpp"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>

#include "fbexport/error.hpp"

namespace fbx {
namespace {

sigset_t loop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    return set;
}

}  // namespace

EventLoop::EventLoop() {
    epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
    if (!epoll_) {
        throw_errno("epoll_create1 for the event loop");
    }
    wakeup_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!wakeup_) {
        throw_errno("eventfd for the event loop's posted work");
    }
    const sigset_t set = loop_signals();
    if (::pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) {
        throw_errno("pthread_sigmask blocking SIGINT/SIGTERM/SIGHUP");
    }
    signals_.reset(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!signals_) {
        throw_errno("signalfd for SIGINT/SIGTERM/SIGHUP");
    }
    watch(wakeup_.get(), [this] {
        std::uint64_t count;
        while (::read(wakeup_.get(), &count, sizeof count) > 0) {
        }
        drain_posted();
    });
    watch(signals_.get(), [this] {
        signalfd_siginfo info{};
        while (::read(signals_.get(), &info, sizeof info) == sizeof info) {
            if (info.ssi_signo == SIGHUP && on_hangup_) {
                on_hangup_();
                continue;
            }
            stop_signal_ = static_cast<int>(info.ssi_signo);
            running_ = false;
        }
    });
}

EventLoop::~EventLoop() {
    const sigset_t set = loop_signals();
    ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

void EventLoop::watch(int fd, Handler on_readable) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
        throw_errno("epoll_ctl adding fd " + std::to_string(fd));
    }
    handlers_[fd] = std::move(on_readable);
}

void EventLoop::unwatch(int fd) {
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
    handlers_.erase(fd);
}

void EventLoop::post(Handler work) {
    {
        std::lock_guard lock(posted_mutex_);
        posted_.push_back(std::move(work));
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(wakeup_.get(), &one, sizeof one);
}

void EventLoop::drain_posted() {
    std::vector<Handler> work;
    {
        std::lock_guard lock(posted_mutex_);
        work.swap(posted_);
    }
    for (auto& w : work) {
        w();
    }
}

int EventLoop::run() {
    running_ = true;
    stop_signal_ = 0;
    std::array<epoll_event, 16> events{};
    while (running_) {
        const int n = ::epoll_wait(epoll_.get(), events.data(), events.size(), -1);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw_errno("epoll_wait in the event loop");
        }
        for (int i = 0; i < n && running_; ++i) {
            // A handler may unwatch another fd of this batch: look it up afresh.
            const auto it = handlers_.find(events[i].data.fd);
            if (it != handlers_.end()) {
                Handler handler = it->second;
                handler();
            }
        }
    }
    return stop_signal_;
}

Timer::Timer(EventLoop& loop, EventLoop::Handler on_expiry)
    : loop_(loop), on_expiry_(std::move(on_expiry)) {
    fd_.reset(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
    if (!fd_) {
        throw_errno("timerfd_create");
    }
    loop_.watch(fd_.get(), [this] {
        std::uint64_t expirations;
        if (::read(fd_.get(), &expirations, sizeof expirations) != sizeof expirations) {
            return;  // disarmed between readiness and read
        }
        armed_ = false;
        on_expiry_();
    });
}

Timer::~Timer() {
    loop_.unwatch(fd_.get());
}

void Timer::arm(std::chrono::milliseconds delay) {
    itimerspec spec{};
    // A zero it_value would disarm the timer: the shortest real delay is 1 ns.
    const auto ns = std::max<std::int64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(delay).count(), 1);
    spec.it_value.tv_sec = ns / 1'000'000'000;
    spec.it_value.tv_nsec = ns % 1'000'000'000;
    if (::timerfd_settime(fd_.get(), 0, &spec, nullptr) != 0) {
        throw_errno("timerfd_settime");
    }
    armed_ = true;
}

void Timer::disarm() {
    itimerspec spec{};
    ::timerfd_settime(fd_.get(), 0, &spec, nullptr);
    armed_ = false;
}

}  // namespace fbx
