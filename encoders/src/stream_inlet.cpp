#include "encoders/stream_inlet.hpp"

#include <gst/app/gstappsrc.h>
#include <gst/base/gstbasetransform.h>
#include <gst/video/video.h>

#include <algorithm>

#include "fbexport/log.hpp"

namespace fbx {
namespace {

constexpr std::string_view component = "stream";
// A keyframe at least this often, whatever the frame rate: frames come on
// change and a still desktop repeats one a second, so a frame-count interval
// would stretch to minutes while nothing moves.
constexpr GstClockTime keyframe_interval = 2 * GST_SECOND;

}  // namespace

StreamInlet::StreamInlet(std::string name, GstElement* appsrc, GstElement* encoder,
                         GstElement* convert)
    : name_(std::move(name)),
      appsrc_(GST_ELEMENT(gst_object_ref(appsrc))),
      encoder_(encoder ? GST_ELEMENT(gst_object_ref(encoder)) : nullptr),
      convert_(convert ? GST_ELEMENT(gst_object_ref(convert)) : nullptr),
      clock_(gst_system_clock_obtain()) {
    appsrc_pad_.reset(gst_element_get_static_pad(appsrc_.get(), "src"));
    out_probe_ =
        gst_pad_add_probe(appsrc_pad_.get(), GST_PAD_PROBE_TYPE_BUFFER, count_out, this, nullptr);
    if (encoder_) {
        encoder_pad_.reset(gst_element_get_static_pad(encoder_.get(), "src"));
        encoded_probe_ = gst_pad_add_probe(encoder_pad_.get(), GST_PAD_PROBE_TYPE_BUFFER,
                                           time_encoded, this, nullptr);
    }
}

StreamInlet::~StreamInlet() {
    // The owner stops the pipeline first, so no streaming thread is inside a
    // probe by now.
    gst_pad_remove_probe(appsrc_pad_.get(), out_probe_);
    if (encoder_pad_) {
        gst_pad_remove_probe(encoder_pad_.get(), encoded_probe_);
    }
}

void StreamInlet::set_caps(GstCaps* caps) {
    gst_app_src_set_caps(GST_APP_SRC(appsrc_.get()), caps);
}

GstPadProbeReturn StreamInlet::count_out(GstPad*, GstPadProbeInfo*, gpointer self) {
    ++static_cast<StreamInlet*>(self)->out_;
    return GST_PAD_PROBE_OK;
}

GstPadProbeReturn StreamInlet::time_encoded(GstPad*, GstPadProbeInfo* info, gpointer data) {
    auto* self = static_cast<StreamInlet*>(data);
    GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
    if (++self->encoded_ == 1) {
        self->note_conversion();
    }
    // Encoders keep the input's running time on the output (no B-frames in
    // the low-latency settings; x264enc shifts PTS and segment alike by 1000
    // hours to make room for negative DTS, so go through the segment), and
    // now - (base time + running time) is how long the frame took from the
    // source's poll to leaving the encoder.
    GstClockTime pts = GST_CLOCK_TIME_NONE;
    if (GstEvent* event =
            gst_pad_get_sticky_event(self->encoder_pad_.get(), GST_EVENT_SEGMENT, 0)) {
        const GstSegment* segment = nullptr;
        gst_event_parse_segment(event, &segment);
        pts = gst_segment_to_running_time(segment, GST_FORMAT_TIME, GST_BUFFER_PTS(buffer));
        gst_event_unref(event);
    }
    const GstClockTime base = gst_element_get_base_time(self->appsrc_.get());
    const GstClockTime now = gst_clock_get_time(self->clock_.get());
    if (GST_CLOCK_TIME_IS_VALID(pts) && now >= base + pts) {
        self->latency_.add(std::chrono::microseconds((now - base - pts) / GST_USECOND));
    }
    return GST_PAD_PROBE_OK;
}

void StreamInlet::note_conversion() {
    if (!convert_) {
        return;
    }
    // By the first encoded frame the caps are settled: videoconvert either
    // passes the frames through (the encoder takes what is pushed) or
    // converts every one of them on the CPU.
    const bool passthrough = gst_base_transform_is_passthrough(GST_BASE_TRANSFORM(convert_.get()));
    converted_ = passthrough ? 0 : 1;
    const auto format_of = [&](const char* pad_name) {
        gst::PadPtr pad(gst_element_get_static_pad(convert_.get(), pad_name));
        gst::CapsPtr caps(pad ? gst_pad_get_current_caps(pad.get()) : nullptr);
        const gchar* format =
            caps ? gst_structure_get_string(gst_caps_get_structure(caps.get(), 0), "format")
                 : nullptr;
        return std::string(format ? format : "?");
    };
    const std::string encoder =
        encoder_ ? gst_plugin_feature_get_name(gst_element_get_factory(encoder_.get())) : "encoder";
    if (passthrough) {
        log(LogLevel::info, component) << name_ << ": frames reach " << encoder << " as "
                                       << format_of("src") << ", no conversion";
    } else {
        log(LogLevel::info, component)
            << name_ << ": videoconvert converts " << format_of("sink") << " to "
            << format_of("src") << " for " << encoder << " on the CPU";
    }
}

void StreamInlet::request_keyframe(GstClockTime pts) {
    if (!encoder_pad_) {
        return;
    }
    if (GST_CLOCK_TIME_IS_VALID(last_keyframe_) && pts < last_keyframe_ + keyframe_interval) {
        return;
    }
    // The first frame is a keyframe anyway; from then on ask every interval.
    if (GST_CLOCK_TIME_IS_VALID(last_keyframe_)) {
        gst_pad_send_event(encoder_pad_.get(), gst_video_event_new_upstream_force_key_unit(
                                                   GST_CLOCK_TIME_NONE, TRUE, 0));
    }
    last_keyframe_ = pts;
}

GstBuffer* StreamInlet::share(GstBuffer* frame) {
    // Each stream needs its own timestamps on the same pixels. A plain
    // gst_buffer_copy() would share the memory, and a pool throws away a
    // buffer whose memory is still shared when it comes back: a fresh 8 MB
    // allocation every frame. A read-only buffer over the frame's mapped
    // pixels, holding the frame until the stream is done with it, lets the
    // frame go back to its pool intact.
    struct Lease {
        GstBuffer* frame;
        GstMapInfo map;
    };
    auto* lease = new Lease{gst_buffer_ref(frame), {}};
    if (!gst_buffer_map(frame, &lease->map, GST_MAP_READ)) {
        gst_buffer_unref(lease->frame);
        delete lease;
        return nullptr;
    }
    return gst_buffer_new_wrapped_full(GST_MEMORY_FLAG_READONLY, lease->map.data, lease->map.size,
                                       0, lease->map.size, lease, [](gpointer data) {
                                           auto* l = static_cast<Lease*>(data);
                                           gst_buffer_unmap(l->frame, &l->map);
                                           gst_buffer_unref(l->frame);
                                           delete l;
                                       });
}

void StreamInlet::push(GstBuffer* frame, GstClockTime capture) {
    GstElement* src = appsrc_.get();
    GST_OBJECT_LOCK(src);
    const bool playing = GST_STATE(src) == GST_STATE_PLAYING;
    const GstClockTime base = GST_ELEMENT_CAST(src)->base_time;
    GST_OBJECT_UNLOCK(src);
    if (!playing) {
        return;
    }
    std::lock_guard lock(push_mutex_);
    GstClockTime pts = capture > base ? capture - base : 0;
    // Strictly increasing, whatever the scheduling: muxers refuse going back.
    if (GST_CLOCK_TIME_IS_VALID(last_pts_) && pts <= last_pts_) {
        pts = last_pts_ + 1;
    }
    last_pts_ = pts;
    GstBuffer* stamped = share(frame);
    if (!stamped) {
        log(LogLevel::warn, component) << name_ << ": cannot map a frame to share it";
        return;
    }
    GST_BUFFER_PTS(stamped) = pts;
    GST_BUFFER_DTS(stamped) = GST_CLOCK_TIME_NONE;
    GST_BUFFER_DURATION(stamped) = GST_CLOCK_TIME_NONE;
    request_keyframe(pts);
    ++pushed_;
    // Takes the reference; with leaky-type=downstream it never blocks.
    const GstFlowReturn flow = gst_app_src_push_buffer(GST_APP_SRC(src), stamped);
    if (flow != GST_FLOW_OK) {
        --pushed_;
        log(LogLevel::debug, component)
            << name_ << ": appsrc refused a frame: " << gst_flow_get_name(flow);
    }
}

void StreamInlet::end_of_stream() {
    gst_app_src_end_of_stream(GST_APP_SRC(appsrc_.get()));
}

StreamInlet::Statistics StreamInlet::statistics() const {
    Statistics s;
    s.pushed = pushed_.load();
    const std::uint64_t out = out_.load();
    guint64 queued = 0;
    g_object_get(appsrc_.get(), "current-level-buffers", &queued, nullptr);
    // What went in and neither came out nor waits in the queue was dropped.
    s.dropped = s.pushed > out + queued ? s.pushed - out - queued : 0;
    s.encoded = encoded_.load();
    s.latency = latency_.summary();
    if (const int converted = converted_.load(); converted >= 0) {
        s.converted = converted == 1;
    }
    return s;
}

}  // namespace fbx
