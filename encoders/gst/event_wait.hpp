#pragma once

#include <gst/gst.h>

#include <memory>

namespace fbx::gst {

// Waits for a source's event fd to turn readable, for at most a timeout, in
// a way another thread can cut short: GstBaseSrc's unlock() must wake a
// create() that waits for the guest, or a state change would hang on it.
// A GstPoll, because its flushing state is sticky: an unlock() that comes
// just before the wait still makes the wait return at once.
class EventWait {
public:
    // Watches `fd` (owned by the source, which must outlive this).
    explicit EventWait(int fd);

    enum class Result { ready, timeout, interrupted };
    // Blocks until `fd` is readable (or reports hang-up or an error, which
    // reading it will tell), `timeout` passed (GST_CLOCK_TIME_NONE: never)
    // or set_flushing(true) was called.
    Result wait(GstClockTime timeout);

    // While flushing, every wait() returns `interrupted` at once.
    void set_flushing(bool flushing);

private:
    struct PollFree {
        void operator()(GstPoll* poll) const { gst_poll_free(poll); }
    };
    std::unique_ptr<GstPoll, PollFree> poll_;
};

}  // namespace fbx::gst
