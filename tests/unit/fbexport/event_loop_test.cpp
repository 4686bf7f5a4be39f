#include "fbexport/event_loop.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace fbx {
namespace {

using namespace std::chrono;

TEST(EventLoop, RunsWorkPostedFromAnotherThread) {
    EventLoop loop;
    int ran = 0;
    std::thread poster([&] {
        loop.post([&] { ++ran; });
        loop.post([&] {
            ++ran;
            loop.stop();
        });
    });
    EXPECT_EQ(loop.run(), 0);
    poster.join();
    EXPECT_EQ(ran, 2);
}

TEST(EventLoop, TimerFiresAfterItsDelayAndOnlyOnce) {
    EventLoop loop;
    int fired = 0;
    const auto start = steady_clock::now();
    steady_clock::time_point when;
    Timer timer(loop, [&] {
        ++fired;
        when = steady_clock::now();
    });
    Timer stopper(loop, [&] { loop.stop(); });
    timer.arm(milliseconds{30});
    stopper.arm(milliseconds{120});
    loop.run();
    EXPECT_EQ(fired, 1);
    EXPECT_GE(when - start, milliseconds{30});
    EXPECT_FALSE(timer.armed());
}

TEST(EventLoop, DisarmedTimerDoesNotFire) {
    EventLoop loop;
    bool fired = false;
    Timer timer(loop, [&] { fired = true; });
    Timer stopper(loop, [&] { loop.stop(); });
    timer.arm(milliseconds{10});
    timer.disarm();
    stopper.arm(milliseconds{50});
    loop.run();
    EXPECT_FALSE(fired);
}

TEST(EventLoop, WatchedFdRunsItsHandler) {
    EventLoop loop;
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    char got = 0;
    loop.watch(fds[0], [&] {
        ASSERT_EQ(::read(fds[0], &got, 1), 1);
        loop.unwatch(fds[0]);
        loop.stop();
    });
    ASSERT_EQ(::write(fds[1], "x", 1), 1);
    loop.run();
    EXPECT_EQ(got, 'x');
    ::close(fds[0]);
    ::close(fds[1]);
}

TEST(EventLoop, SigtermEndsTheLoopAndIsReported) {
    EventLoop loop;
    loop.post([] { ::kill(::getpid(), SIGTERM); });
    EXPECT_EQ(loop.run(), SIGTERM);
}

TEST(EventLoop, SighupRunsTheHangupHandlerAndTheLoopGoesOn) {
    EventLoop loop;
    int hangups = 0;
    loop.on_hangup([&] {
        if (++hangups == 2) {
            ::kill(::getpid(), SIGTERM);
        }
    });
    loop.post([] { ::kill(::getpid(), SIGHUP); });
    Timer second(loop, [] { ::kill(::getpid(), SIGHUP); });
    second.arm(std::chrono::milliseconds(20));
    EXPECT_EQ(loop.run(), SIGTERM);
    EXPECT_EQ(hangups, 2);
}

TEST(EventLoop, SighupWithoutAHandlerEndsTheLoop) {
    EventLoop loop;
    loop.post([] { ::kill(::getpid(), SIGHUP); });
    EXPECT_EQ(loop.run(), SIGHUP);
}

}  // namespace
}  // namespace fbx
