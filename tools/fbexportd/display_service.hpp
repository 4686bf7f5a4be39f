#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "display/converter.hpp"
#include "display/cursor_image.hpp"
#include "display/damage_region.hpp"
#include "display/shadow_framebuffer.hpp"
#include "encoders/vnc_sink.hpp"
#include "fbexport/event_loop.hpp"
#include "fbexport/poll_rate.hpp"
#include "fbexport/source.hpp"

namespace fbx {

// One display served: a source polled at the adaptive rate, its damage
// converted into a shadow framebuffer, and that framebuffer served over VNC.
// Conversion happens only while someone consumes: with no client the source
// is not polled at all, and the damage it reports later covers the gap.
class DisplayService {
public:
    // `converter`: the CPU or GL path (make_converter picks it); it is used
    // from the loop's thread only.
    DisplayService(EventLoop& loop, std::unique_ptr<Source> source,
                   std::unique_ptr<Converter> converter, const VncOptions& vnc,
                   PollRateConfig rate = {});
    DisplayService(const DisplayService&) = delete;
    DisplayService& operator=(const DisplayService&) = delete;
    ~DisplayService();

    struct Statistics {
        std::uint64_t polls = 0;
        std::uint64_t frames = 0;            // polls that found a change
        std::uint64_t converted_pixels = 0;  // damage converted into the shadow
    };
    const Statistics& statistics() const { return stats_; }

private:
    void poll();
    void take(Frame& frame);
    void update_cursor(const std::optional<Plane>& cursor);
    void clients_changed(std::uint32_t clients);

    EventLoop& loop_;
    std::unique_ptr<Source> source_;
    std::unique_ptr<Converter> converter_;
    ShadowFramebuffer shadow_;
    DamageRegion pending_;  // damage polled but not yet converted
    std::optional<Plane> primary_;
    std::optional<std::uint32_t> cursor_id_;  // dmabuf_id of the cursor shown
    std::optional<std::pair<std::int32_t, std::int32_t>> pointer_;
    PollRate rate_;
    Timer timer_;
    std::unique_ptr<VncSink> vnc_;
    std::uint32_t consumers_ = 0;
    Statistics stats_;
    // Set while the service lives; the VNC threads post through it.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace fbx
