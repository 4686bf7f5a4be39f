#include "event_wait.hpp"

#include <cerrno>
#include <cstring>
#include <string>

#include "fbexport/error.hpp"

namespace fbx::gst {

EventWait::EventWait(int fd) : poll_(gst_poll_new(TRUE)) {
    if (!poll_) {
        throw Error("gst_poll_new: cannot make a controllable poll set (out of file descriptors?)");
    }
    GstPollFD pfd = GST_POLL_FD_INIT;
    pfd.fd = fd;
    if (!gst_poll_add_fd(poll_.get(), &pfd) || !gst_poll_fd_ctl_read(poll_.get(), &pfd, TRUE)) {
        throw Error("gst_poll: cannot watch event fd " + std::to_string(fd));
    }
}

EventWait::Result EventWait::wait(GstClockTime timeout) {
    for (;;) {
        const gint ready = gst_poll_wait(poll_.get(), timeout);
        if (ready > 0) {
            return Result::ready;
        }
        if (ready == 0) {
            return Result::timeout;
        }
        if (errno == EBUSY) {
            return Result::interrupted;
        }
        // EINTR, or EAGAIN after a gst_poll_restart(): GstPoll says to wait again.
        if (errno != EINTR && errno != EAGAIN) {
            throw Error(std::string("gst_poll_wait on the source's event fd: ") +
                        std::strerror(errno));
        }
    }
}

void EventWait::set_flushing(bool flushing) {
    gst_poll_set_flushing(poll_.get(), flushing);
}

}  // namespace fbx::gst
