#pragma once

#include <optional>
#include <string>

#include "fbexport/error.hpp"
#include "fbexport/frame.hpp"

namespace fbx {

// Thrown by poll() when the source's device went away (a vGPU was removed):
// nothing more will come from it, so a service stops serving it rather than
// retrying.
class SourceLost : public Error {
public:
    using Error::Error;
};

// A producer of frames: the demo desktop, a vGPU's display-export device, a
// VFIO device. A source is polled by the scheduler; a source with its own
// events also offers an fd that becomes readable when it has news.
class Source {
public:
    virtual ~Source() = default;

    // Human-readable identity for logs: "demo 1920x1080 XRGB8888 y-tiled".
    virtual std::string describe() const = 0;

    // The display as it is now. The first call, and any call after
    // `invalidate()`, reports full damage. Returns nothing when neither the
    // primary plane's content, its buffer, nor the cursor changed since the last
    // frame returned.
    virtual std::optional<Frame> poll() = 0;

    // Makes the next poll() report the whole screen as damaged (a new consumer,
    // lost events).
    virtual void invalidate() = 0;

    // A file descriptor that is readable when the source has news, or -1 when the
    // source must be polled. A source with one is polled when it turns readable
    // (and when a consumer arrives), never on a timer, so poll() must consume
    // whatever made it readable.
    virtual int event_fd() const { return -1; }
};

}  // namespace fbx
