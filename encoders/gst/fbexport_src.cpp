// fbexportsrc: GObject glue around ScreenCapture. The element is a live
// GstPushSrc: GstBaseSrc runs the streaming thread, calls create() only while
// PLAYING (so a paused pipeline costs no polling), and unlock() to wake a
// create() that waits on the clock or on the source's events.
//
// The demo has no events and is polled at max-framerate; a vGPU has an event
// fd, and create() sleeps on it until the guest changes something or the
// idle repeat is due. A vGPU that is missing at start, or removed while
// streaming, is an element error (RESOURCE/NOT_FOUND): a removal is a
// failure of the stream, not its end, as for a camera unplugged.
#include "fbexport_src.hpp"

#include <gst/video/gstvideopool.h>
#include <gst/video/video.h>

#include <charconv>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "event_wait.hpp"
#include "fbexport/demo_source.hpp"
#include "fbexport/error.hpp"
#include "fbexport/mediator_source.hpp"
#include "fbexport/pixel_format.hpp"
#include "fbexport/vgpu_locator.hpp"
#include "screen_capture.hpp"

GST_DEBUG_CATEGORY_STATIC(fbx_fbexport_src_debug);
#define GST_CAT_DEFAULT fbx_fbexport_src_debug

namespace {

// What the properties say; read and written under the object lock, since
// applications set properties from their own threads.
struct Settings {
    std::string source = "demo";  // "demo" or "vgpu:UUID", as fbexportd's --source
    std::string demo_size = "1920x1080";
    guint demo_size_changes = 0;  // demo-size set while streaming: reopen the demo
    std::string demo_format = "XRGB8888";
    std::string demo_modifier = "linear";
    gint64 demo_stop_at = -1;  // ms; -1: the demo animates for ever
    bool cursor = true;
    gint max_fps_n = 30;
    gint max_fps_d = 1;
    gint idle_fps_n = 1;  // 0: never repeat an unchanged frame
    gint idle_fps_d = 1;
};

// What exists between start() and stop(). Touched by the streaming thread,
// except the fields marked "object lock", which get_caps()/unlock() read from
// other threads.
struct Runtime {
    std::unique_ptr<fbx::gst::ScreenCapture> capture;
    // The source's events, for a source that has them (a vGPU); absent: poll.
    // Set before start() publishes the runtime, so unlock() may use it.
    std::unique_ptr<fbx::gst::EventWait> events;
    std::string uuid;             // the vGPU's, for messages; empty for the demo
    guint demo_size_changes = 0;  // Settings::demo_size_changes the demo was opened with
    bool pending = false;         // a first frame (start, demo reopened), not pushed yet
    GstBufferPool* pool = nullptr;
    gint stride = 0;
    GstClockTime next_poll = GST_CLOCK_TIME_NONE;  // running time
    GstClockTime last_push = GST_CLOCK_TIME_NONE;  // running time
    guint64 frames = 0;

    guint width = 0;  // object lock: the size the caps announce, 0 before start()
    guint height = 0;
    gint caps_fps_n = 30;  // object lock: the frame rate the caps announce
    gint caps_fps_d = 1;
    GstClockID wait_id = nullptr;  // object lock: the clock wait unlock() cancels
    bool flushing = false;         // object lock

    ~Runtime() { drop_pool(); }
    void drop_pool() {
        if (pool) {
            gst_buffer_pool_set_active(pool, FALSE);
            gst_object_unref(pool);
            pool = nullptr;
        }
    }
};

enum Property : guint {
    PROP_0,
    PROP_SOURCE,
    PROP_DEVICE,
    PROP_DEMO_SIZE,
    PROP_DEMO_FORMAT,
    PROP_DEMO_MODIFIER,
    PROP_DEMO_STOP_AT,
    PROP_CURSOR,
    PROP_MAX_FRAMERATE,
    PROP_IDLE_FRAMERATE,
};

GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE(
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE("BGRx")));

constexpr std::string_view vgpu_prefix = "vgpu:";

// What source= names; nullopt for neither "demo" nor "vgpu:UUID".
struct SourceSpec {
    std::string uuid;  // empty: the demo
};
std::optional<SourceSpec> parse_source(std::string_view text) {
    if (text == "demo") {
        return SourceSpec{};
    }
    if (text.starts_with(vgpu_prefix) && fbx::is_uuid(text.substr(vgpu_prefix.size()))) {
        return SourceSpec{std::string(text.substr(vgpu_prefix.size()))};
    }
    return std::nullopt;
}

std::optional<std::pair<guint, guint>> parse_size(std::string_view text) {
    const auto x = text.find('x');
    if (x == std::string_view::npos) {
        return std::nullopt;
    }
    guint w = 0;
    guint h = 0;
    const char* w_end = text.data() + x;
    const char* h_end = text.data() + text.size();
    auto [wp, we] = std::from_chars(text.data(), w_end, w);
    auto [hp, he] = std::from_chars(w_end + 1, h_end, h);
    if (we != std::errc{} || he != std::errc{} || wp != w_end || hp != h_end || w == 0 || h == 0 ||
        w > 16384 || h > 16384) {
        return std::nullopt;
    }
    return std::pair{w, h};
}

// 1/rate as a duration; NONE for a rate of 0 (never).
GstClockTime interval_of(gint n, gint d) {
    return n > 0 ? gst_util_uint64_scale_int(GST_SECOND, d, n) : GST_CLOCK_TIME_NONE;
}

}  // namespace

struct _FbxFbexportSrc {
    GstPushSrc parent;
    Settings* settings;
    Runtime* runtime;
};

// GLib's type macros cast function pointers between GObject's generic
// signatures; that is how GObject works, not a bug to warn about.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-function-type"
G_DEFINE_TYPE(FbxFbexportSrc, fbx_fbexport_src, GST_TYPE_PUSH_SRC)
#pragma GCC diagnostic pop

namespace {

FbxFbexportSrc* self_of(gpointer object) {
    return FBX_FBEXPORT_SRC(object);
}

void set_property(GObject* object, guint id, const GValue* value, GParamSpec* pspec) {
    FbxFbexportSrc* self = self_of(object);
    Settings& s = *self->settings;
    GST_OBJECT_LOCK(self);
    switch (id) {
        case PROP_SOURCE:
            s.source = g_value_get_string(value) ? g_value_get_string(value) : "";
            break;
        case PROP_DEVICE:
            s.source = std::string(vgpu_prefix) +
                       (g_value_get_string(value) ? g_value_get_string(value) : "");
            break;
        case PROP_DEMO_SIZE:
            s.demo_size = g_value_get_string(value) ? g_value_get_string(value) : "";
            ++s.demo_size_changes;
            break;
        case PROP_DEMO_FORMAT:
            s.demo_format = g_value_get_string(value) ? g_value_get_string(value) : "";
            break;
        case PROP_DEMO_MODIFIER:
            s.demo_modifier = g_value_get_string(value) ? g_value_get_string(value) : "";
            break;
        case PROP_DEMO_STOP_AT:
            s.demo_stop_at = g_value_get_int64(value);
            break;
        case PROP_CURSOR:
            s.cursor = g_value_get_boolean(value);
            break;
        case PROP_MAX_FRAMERATE:
            s.max_fps_n = gst_value_get_fraction_numerator(value);
            s.max_fps_d = gst_value_get_fraction_denominator(value);
            break;
        case PROP_IDLE_FRAMERATE:
            s.idle_fps_n = gst_value_get_fraction_numerator(value);
            s.idle_fps_d = gst_value_get_fraction_denominator(value);
            break;
        default:
            G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
            break;
    }
    GST_OBJECT_UNLOCK(self);
}

void get_property(GObject* object, guint id, GValue* value, GParamSpec* pspec) {
    FbxFbexportSrc* self = self_of(object);
    const Settings& s = *self->settings;
    GST_OBJECT_LOCK(self);
    switch (id) {
        case PROP_SOURCE:
            g_value_set_string(value, s.source.c_str());
            break;
        case PROP_DEVICE:
            g_value_set_string(value, s.source.starts_with(vgpu_prefix)
                                          ? s.source.c_str() + vgpu_prefix.size()
                                          : nullptr);
            break;
        case PROP_DEMO_SIZE:
            g_value_set_string(value, s.demo_size.c_str());
            break;
        case PROP_DEMO_FORMAT:
            g_value_set_string(value, s.demo_format.c_str());
            break;
        case PROP_DEMO_MODIFIER:
            g_value_set_string(value, s.demo_modifier.c_str());
            break;
        case PROP_DEMO_STOP_AT:
            g_value_set_int64(value, s.demo_stop_at);
            break;
        case PROP_CURSOR:
            g_value_set_boolean(value, s.cursor);
            break;
        case PROP_MAX_FRAMERATE:
            gst_value_set_fraction(value, s.max_fps_n, s.max_fps_d);
            break;
        case PROP_IDLE_FRAMERATE:
            gst_value_set_fraction(value, s.idle_fps_n, s.idle_fps_d);
            break;
        default:
            G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
            break;
    }
    GST_OBJECT_UNLOCK(self);
}

void finalize(GObject* object) {
    FbxFbexportSrc* self = self_of(object);
    delete self->runtime;
    delete self->settings;
    G_OBJECT_CLASS(fbx_fbexport_src_parent_class)->finalize(object);
}

// The demo's options from the properties; nullopt after posting an element
// error that names the bad property.
std::optional<fbx::DemoOptions> demo_options(FbxFbexportSrc* self, const Settings& s) {
    fbx::DemoOptions options;
    const auto size = parse_size(s.demo_size);
    if (!size) {
        GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS,
                          ("Invalid demo-size \"%s\".", s.demo_size.c_str()),
                          ("expected WIDTHxHEIGHT, each 1 to 16384, e.g. 1920x1080"));
        return std::nullopt;
    }
    options.width = size->first;
    options.height = size->second;
    const auto format = fbx::find_format(std::string_view(s.demo_format));
    if (!format) {
        GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS,
                          ("Unknown demo-format \"%s\".", s.demo_format.c_str()),
                          ("use a DRM format name: XRGB8888, ARGB8888, XBGR8888, ABGR8888, "
                           "RGB565, XRGB2101010"));
        return std::nullopt;
    }
    options.fourcc = format->fourcc;
    const auto modifier = fbx::find_modifier(std::string_view(s.demo_modifier));
    if (!modifier) {
        GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS,
                          ("Unknown demo-modifier \"%s\".", s.demo_modifier.c_str()),
                          ("use linear, x-tiled or y-tiled"));
        return std::nullopt;
    }
    options.modifier = modifier->value;
    if (s.demo_stop_at >= 0) {
        options.stop_at_ms = static_cast<std::uint64_t>(s.demo_stop_at);
    }
    return options;
}

// A capture of the demo with its first frame, or nullptr after posting an
// element error.
std::unique_ptr<fbx::gst::ScreenCapture> open_demo(FbxFbexportSrc* self, const Settings& s) {
    const auto options = demo_options(self, s);
    if (!options) {
        return nullptr;
    }
    try {
        auto capture =
            std::make_unique<fbx::gst::ScreenCapture>(std::make_unique<fbx::DemoSource>(*options));
        // The first frame now, so the caps carry the real size from the start.
        if (!capture->update()) {
            throw fbx::Error("the demo gave no first frame");
        }
        return capture;
    } catch (const std::exception& e) {
        GST_ELEMENT_ERROR(self, RESOURCE, OPEN_READ, ("Could not open the demo source."),
                          ("%s", e.what()));
        return nullptr;
    }
}

// Opens vGPU `uuid` into `rt` with its first frame; false after posting an
// element error.
bool open_vgpu(FbxFbexportSrc* self, const std::string& uuid, Runtime& rt) {
    try {
        fbx::MediatorOptions options;
        options.uuid = uuid;
        auto source = std::make_unique<fbx::MediatorSource>(options);
        const int fd = source->event_fd();
        rt.capture = std::make_unique<fbx::gst::ScreenCapture>(std::move(source));
        rt.events = std::make_unique<fbx::gst::EventWait>(fd);
        // The first poll reports everything (black while the guest shows no plane).
        if (!rt.capture->update()) {
            throw fbx::Error("the vGPU gave no first frame");
        }
        return true;
    } catch (const fbx::VgpuNotFound& e) {
        GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND, ("vGPU %s not found.", uuid.c_str()),
                          ("%s", e.what()));
    } catch (const fbx::SourceLost& e) {
        GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND, ("vGPU %s was removed.", uuid.c_str()),
                          ("%s", e.what()));
    } catch (const std::exception& e) {
        GST_ELEMENT_ERROR(self, RESOURCE, OPEN_READ, ("Could not open vGPU %s.", uuid.c_str()),
                          ("%s", e.what()));
    }
    return false;
}

gboolean start(GstBaseSrc* base) {
    FbxFbexportSrc* self = self_of(base);
    GST_OBJECT_LOCK(self);
    const Settings s = *self->settings;
    GST_OBJECT_UNLOCK(self);

    const auto spec = parse_source(s.source);
    if (!spec) {
        GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND, ("Unknown source \"%s\".", s.source.c_str()),
                          ("give source=demo, source=vgpu:UUID or device=UUID (e.g. "
                           "vgpu:0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4)"));
        return FALSE;
    }
    auto runtime = std::make_unique<Runtime>();
    if (spec->uuid.empty()) {
        runtime->capture = open_demo(self, s);
        if (!runtime->capture) {
            return FALSE;
        }
        runtime->demo_size_changes = s.demo_size_changes;
    } else {
        runtime->uuid = spec->uuid;
        if (!open_vgpu(self, spec->uuid, *runtime)) {
            return FALSE;
        }
    }
    runtime->pending = true;
    runtime->width = runtime->capture->width();
    runtime->height = runtime->capture->height();
    runtime->caps_fps_n = s.max_fps_n;
    runtime->caps_fps_d = s.max_fps_d;
    GST_INFO_OBJECT(self, "capturing %s", runtime->capture->describe().c_str());

    GST_OBJECT_LOCK(self);
    delete self->runtime;
    self->runtime = runtime.release();
    GST_OBJECT_UNLOCK(self);
    return TRUE;
}

gboolean stop(GstBaseSrc* base) {
    FbxFbexportSrc* self = self_of(base);
    GST_OBJECT_LOCK(self);
    Runtime* runtime = self->runtime;
    self->runtime = nullptr;
    GST_OBJECT_UNLOCK(self);
    delete runtime;
    return TRUE;
}

GstCaps* get_caps(GstBaseSrc* base, GstCaps* filter) {
    FbxFbexportSrc* self = self_of(base);
    GstCaps* caps = nullptr;
    GST_OBJECT_LOCK(self);
    if (self->runtime && self->runtime->width > 0) {
        const Runtime& rt = *self->runtime;
        // framerate is the cap, the most the stream carries: frames come on
        // damage, so the real rate varies below it, but muxers and players
        // want a nominal rate (0/1 would leave them guessing).
        caps = gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "BGRx", "width",
                                   G_TYPE_INT, static_cast<gint>(rt.width), "height", G_TYPE_INT,
                                   static_cast<gint>(rt.height), "framerate", GST_TYPE_FRACTION,
                                   rt.caps_fps_n, rt.caps_fps_d, "pixel-aspect-ratio",
                                   GST_TYPE_FRACTION, 1, 1, nullptr);
    }
    GST_OBJECT_UNLOCK(self);
    if (!caps) {
        caps = gst_pad_get_pad_template_caps(GST_BASE_SRC_PAD(base));
    }
    if (filter) {
        GstCaps* both = gst_caps_intersect_full(filter, caps, GST_CAPS_INTERSECT_FIRST);
        gst_caps_unref(caps);
        caps = both;
    }
    return caps;
}

gboolean set_caps(GstBaseSrc* base, GstCaps* caps) {
    FbxFbexportSrc* self = self_of(base);
    Runtime* rt = self->runtime;
    GstVideoInfo info;
    if (!rt || !gst_video_info_from_caps(&info, caps)) {
        GST_ERROR_OBJECT(self, "cannot use caps %" GST_PTR_FORMAT, caps);
        return FALSE;
    }
    // A pool of our own: each buffer is a fresh copy that downstream may keep
    // (queues, encoders' lookahead), and a pool recycles them without a
    // malloc and page faults of a whole frame each time.
    rt->drop_pool();
    rt->pool = gst_video_buffer_pool_new();
    GstStructure* config = gst_buffer_pool_get_config(rt->pool);
    gst_buffer_pool_config_set_params(config, caps, static_cast<guint>(info.size), 2, 0);
    if (!gst_buffer_pool_set_config(rt->pool, config) ||
        !gst_buffer_pool_set_active(rt->pool, TRUE)) {
        GST_ERROR_OBJECT(self, "cannot set up a buffer pool for %" GST_PTR_FORMAT, caps);
        rt->drop_pool();
        return FALSE;
    }
    rt->stride = GST_VIDEO_INFO_PLANE_STRIDE(&info, 0);
    return TRUE;
}

gboolean query(GstBaseSrc* base, GstQuery* q) {
    FbxFbexportSrc* self = self_of(base);
    if (GST_QUERY_TYPE(q) == GST_QUERY_LATENCY) {
        GST_OBJECT_LOCK(self);
        const bool started = self->runtime && self->runtime->width > 0;
        const GstClockTime frame =
            interval_of(self->settings->max_fps_n, self->settings->max_fps_d);
        GST_OBJECT_UNLOCK(self);
        if (!started) {
            return FALSE;
        }
        // A frame is captured, timestamped and pushed at once, but a change
        // waits up to one poll interval before a poll sees it.
        gst_query_set_latency(q, TRUE, frame, frame);
        return TRUE;
    }
    return GST_BASE_SRC_CLASS(fbx_fbexport_src_parent_class)->query(base, q);
}

gboolean unlock(GstBaseSrc* base) {
    FbxFbexportSrc* self = self_of(base);
    GST_OBJECT_LOCK(self);
    if (self->runtime) {
        self->runtime->flushing = true;
        if (self->runtime->wait_id) {
            gst_clock_id_unschedule(self->runtime->wait_id);
        }
        if (self->runtime->events) {
            self->runtime->events->set_flushing(true);
        }
    }
    GST_OBJECT_UNLOCK(self);
    return TRUE;
}

gboolean unlock_stop(GstBaseSrc* base) {
    FbxFbexportSrc* self = self_of(base);
    GST_OBJECT_LOCK(self);
    if (self->runtime) {
        self->runtime->flushing = false;
        if (self->runtime->events) {
            self->runtime->events->set_flushing(false);
        }
    }
    GST_OBJECT_UNLOCK(self);
    return TRUE;
}

struct ClockUnref {
    void operator()(GstClock* clock) const { gst_object_unref(clock); }
};
using ClockPtr = std::unique_ptr<GstClock, ClockUnref>;

// Sleeps until running time `target`; false when unlock() cut the wait short.
bool wait_until(FbxFbexportSrc* self, GstClock* clock, GstClockTime base_time,
                GstClockTime target) {
    Runtime& rt = *self->runtime;
    GST_OBJECT_LOCK(self);
    if (rt.flushing) {
        GST_OBJECT_UNLOCK(self);
        return false;
    }
    GstClockID id = gst_clock_new_single_shot_id(clock, base_time + target);
    rt.wait_id = id;
    GST_OBJECT_UNLOCK(self);

    const GstClockReturn result = gst_clock_id_wait(id, nullptr);

    GST_OBJECT_LOCK(self);
    rt.wait_id = nullptr;
    GST_OBJECT_UNLOCK(self);
    gst_clock_id_unref(id);
    return result != GST_CLOCK_UNSCHEDULED;
}

// The current picture in a pool buffer, stamped with `now`. A copy, not the
// shadow itself: downstream keeps buffers (queues, the encoder's lookahead,
// a muxer) while the next damage is already being converted into the shadow,
// and the cursor is blended into the copy so the shadow stays cursor-free.
GstFlowReturn push_copy(FbxFbexportSrc* self, bool with_cursor, GstClockTime now, GstBuffer** out) {
    Runtime& rt = *self->runtime;
    const guint width = rt.capture->width();
    const guint height = rt.capture->height();
    GST_OBJECT_LOCK(self);
    const bool resized = width != rt.width || height != rt.height;
    rt.width = width;
    rt.height = height;
    GST_OBJECT_UNLOCK(self);
    if (resized || !rt.pool) {
        GST_INFO_OBJECT(self, "mode is now %ux%u, renegotiating", width, height);
        if (!gst_base_src_negotiate(GST_BASE_SRC(self))) {
            return GST_FLOW_NOT_NEGOTIATED;
        }
    }

    GstBuffer* buffer = nullptr;
    const GstFlowReturn acquired = gst_buffer_pool_acquire_buffer(rt.pool, &buffer, nullptr);
    if (acquired != GST_FLOW_OK) {
        return acquired;
    }
    GstMapInfo map;
    if (!gst_buffer_map(buffer, &map, GST_MAP_WRITE)) {
        gst_buffer_unref(buffer);
        GST_ELEMENT_ERROR(self, RESOURCE, WRITE, ("Could not map a buffer for writing."),
                          (nullptr));
        return GST_FLOW_ERROR;
    }
    try {
        rt.capture->copy_to(map.data, static_cast<std::size_t>(rt.stride), with_cursor);
    } catch (const std::exception& e) {
        gst_buffer_unmap(buffer, &map);
        gst_buffer_unref(buffer);
        GST_ELEMENT_ERROR(self, STREAM, FAILED, ("Could not compose a frame."), ("%s", e.what()));
        return GST_FLOW_ERROR;
    }
    gst_buffer_unmap(buffer, &map);

    GST_BUFFER_PTS(buffer) = now;
    GST_BUFFER_DTS(buffer) = GST_CLOCK_TIME_NONE;
    GST_BUFFER_OFFSET(buffer) = rt.frames;
    GST_BUFFER_OFFSET_END(buffer) = rt.frames + 1;
    if (rt.frames == 0) {
        GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_DISCONT);
    }
    ++rt.frames;
    rt.last_push = now;
    *out = buffer;
    return GST_FLOW_OK;
}

// demo-size was set while streaming: the demo starts again at the new size,
// which to downstream is a mode change. False after posting an element error.
bool reopen_demo(FbxFbexportSrc* self) {
    Runtime& rt = *self->runtime;
    GST_OBJECT_LOCK(self);
    const Settings s = *self->settings;
    GST_OBJECT_UNLOCK(self);
    auto capture = open_demo(self, s);
    if (!capture) {
        return false;
    }
    GST_INFO_OBJECT(self, "demo-size %s: now capturing %s", s.demo_size.c_str(),
                    capture->describe().c_str());
    rt.capture = std::move(capture);
    rt.demo_size_changes = s.demo_size_changes;
    rt.pending = true;
    return true;
}

// What a look at the source found.
enum class Look { changed, unchanged, failed };

// Brings the capture up to date; `failed` after posting an element error.
// A vGPU that was removed ends the stream; a bad frame from one (a plane the
// guest set up wrong) is a warning, and the picture stays the last good one.
Look look(FbxFbexportSrc* self) {
    Runtime& rt = *self->runtime;
    try {
        return rt.capture->update() ? Look::changed : Look::unchanged;
    } catch (const fbx::SourceLost& e) {
        GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND, ("vGPU %s was removed.", rt.uuid.c_str()),
                          ("%s", e.what()));
        return Look::failed;
    } catch (const std::exception& e) {
        if (rt.uuid.empty()) {
            GST_ELEMENT_ERROR(self, RESOURCE, READ, ("Could not read the source."),
                              ("%s", e.what()));
            return Look::failed;
        }
        GST_ELEMENT_WARNING(
            self, RESOURCE, READ,
            ("Could not read a frame of vGPU %s; the last one stays.", rt.uuid.c_str()),
            ("%s", e.what()));
        return Look::unchanged;
    }
}

GstFlowReturn create(GstPushSrc* push, GstBuffer** out) {
    FbxFbexportSrc* self = self_of(push);
    Runtime& rt = *self->runtime;

    ClockPtr clock(gst_element_get_clock(GST_ELEMENT(self)));
    GstClockTime base_time = gst_element_get_base_time(GST_ELEMENT(self));
    if (!clock) {
        // Outside a pipeline that gives a clock: the system clock, running time from 0.
        clock.reset(gst_system_clock_obtain());
        base_time = 0;
    }
    const auto running_time = [&] {
        const GstClockTime clock_now = gst_clock_get_time(clock.get());
        return clock_now > base_time ? clock_now - base_time : 0;
    };

    for (;;) {
        GST_OBJECT_LOCK(self);
        const GstClockTime interval =
            interval_of(self->settings->max_fps_n, self->settings->max_fps_d);
        const GstClockTime idle =
            interval_of(self->settings->idle_fps_n, self->settings->idle_fps_d);
        const bool with_cursor = self->settings->cursor;
        const bool demo_resized =
            rt.uuid.empty() && self->settings->demo_size_changes != rt.demo_size_changes;
        GST_OBJECT_UNLOCK(self);

        if (demo_resized && !reopen_demo(self)) {
            return GST_FLOW_ERROR;
        }
        // Never two looks closer than the cap; after a long wait (paused,
        // a slow downstream) the schedule restarts from now, never bursts.
        if (GST_CLOCK_TIME_IS_VALID(rt.next_poll) &&
            !wait_until(self, clock.get(), base_time, rt.next_poll)) {
            return GST_FLOW_FLUSHING;
        }
        GstClockTime now = running_time();
        // When the last frame is to be repeated; NONE: never.
        const GstClockTime repeat_at =
            GST_CLOCK_TIME_IS_VALID(idle) && GST_CLOCK_TIME_IS_VALID(rt.last_push)
                ? rt.last_push + idle
                : GST_CLOCK_TIME_NONE;

        Look seen = Look::unchanged;
        if (rt.pending) {
            rt.pending = false;
            seen = Look::changed;
        } else if (rt.events) {
            // Sleep until the guest changes something or the repeat is due.
            const GstClockTime timeout = !GST_CLOCK_TIME_IS_VALID(repeat_at) ? GST_CLOCK_TIME_NONE
                                         : repeat_at > now                   ? repeat_at - now
                                                                             : 0;
            fbx::gst::EventWait::Result woke;
            try {
                woke = rt.events->wait(timeout);
            } catch (const std::exception& e) {
                GST_ELEMENT_ERROR(self, RESOURCE, READ,
                                  ("Could not wait for vGPU %s.", rt.uuid.c_str()),
                                  ("%s", e.what()));
                return GST_FLOW_ERROR;
            }
            if (woke == fbx::gst::EventWait::Result::interrupted) {
                return GST_FLOW_FLUSHING;
            }
            if (woke == fbx::gst::EventWait::Result::ready) {
                seen = look(self);
            }
            now = running_time();
        } else {
            seen = look(self);
        }
        if (seen == Look::failed) {
            return GST_FLOW_ERROR;
        }
        rt.next_poll = now + interval;
        const bool repeat =
            seen == Look::unchanged && GST_CLOCK_TIME_IS_VALID(repeat_at) && now >= repeat_at;
        if (seen == Look::changed || repeat) {
            return push_copy(self, with_cursor, now, out);
        }
    }
}

}  // namespace

static void fbx_fbexport_src_class_init(FbxFbexportSrcClass* klass) {
    GObjectClass* object_class = G_OBJECT_CLASS(klass);
    GstElementClass* element_class = GST_ELEMENT_CLASS(klass);
    GstBaseSrcClass* base_class = GST_BASE_SRC_CLASS(klass);
    GstPushSrcClass* push_class = GST_PUSH_SRC_CLASS(klass);

    object_class->set_property = set_property;
    object_class->get_property = get_property;
    object_class->finalize = finalize;

    const auto flags = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
    const auto ready_flags = static_cast<GParamFlags>(flags | GST_PARAM_MUTABLE_READY);
    const auto playing_flags = static_cast<GParamFlags>(flags | GST_PARAM_MUTABLE_PLAYING);
    g_object_class_install_property(
        object_class, PROP_SOURCE,
        g_param_spec_string(
            "source", "Source",
            "What to capture, as fbexportd --source: \"demo\" (the built-in animated desktop) "
            "or \"vgpu:UUID\" (a vgpu_mediator vGPU, through /dev/vgpu/UUID; frames on the "
            "guest's damage, no polling). A vGPU missing at start or removed while streaming is "
            "an element error (resource not found), not an end of stream",
            "demo", ready_flags));
    g_object_class_install_property(
        object_class, PROP_DEVICE,
        g_param_spec_string("device", "vGPU device",
                            "The vGPU's UUID, as fbshot --device: the same as source=vgpu:UUID "
                            "(NULL while the source is the demo)",
                            nullptr, ready_flags));
    g_object_class_install_property(
        object_class, PROP_DEMO_SIZE,
        g_param_spec_string("demo-size", "Demo size",
                            "The demo desktop's size, WIDTHxHEIGHT; set while playing, the demo "
                            "starts again at the new size (a mode change: new caps)",
                            "1920x1080", playing_flags));
    g_object_class_install_property(
        object_class, PROP_DEMO_FORMAT,
        g_param_spec_string("demo-format", "Demo format",
                            "The demo's primary plane DRM format: XRGB8888, ARGB8888, XBGR8888, "
                            "ABGR8888, RGB565, XRGB2101010",
                            "XRGB8888", ready_flags));
    g_object_class_install_property(
        object_class, PROP_DEMO_MODIFIER,
        g_param_spec_string("demo-modifier", "Demo modifier",
                            "The demo's primary plane layout: linear, x-tiled, y-tiled", "linear",
                            ready_flags));
    g_object_class_install_property(
        object_class, PROP_DEMO_STOP_AT,
        g_param_spec_int64("demo-stop-at", "Demo stop at",
                           "Milliseconds after start at which the demo stands still "
                           "(-1: animate for ever; 0: a still picture of time 0)",
                           -1, G_MAXINT64, -1, ready_flags));
    g_object_class_install_property(
        object_class, PROP_CURSOR,
        g_param_spec_boolean("cursor", "Cursor", "Blend the cursor plane into the frames", TRUE,
                             playing_flags));
    g_object_class_install_property(
        object_class, PROP_MAX_FRAMERATE,
        gst_param_spec_fraction("max-framerate", "Maximum frame rate",
                                "The most frames per second, and how often the source is polled "
                                "for damage; also the caps' nominal framerate",
                                1, 1, 1000, 1, 30, 1, ready_flags));
    g_object_class_install_property(
        object_class, PROP_IDLE_FRAMERATE,
        gst_param_spec_fraction("idle-framerate", "Idle frame rate",
                                "How often the last frame is repeated while nothing changes, "
                                "so encoders and late joiners get pictures (0/1: never)",
                                0, 1, 1000, 1, 1, 1, playing_flags));

    gst_element_class_set_static_metadata(
        element_class, "fbexport desktop source", "Source/Video",
        "A vGPU guest's desktop (or the built-in demo) as raw video, produced on damage",
        "fbexport");
    gst_element_class_add_static_pad_template(element_class, &src_template);

    base_class->start = start;
    base_class->stop = stop;
    base_class->get_caps = get_caps;
    base_class->set_caps = set_caps;
    base_class->query = query;
    base_class->unlock = unlock;
    base_class->unlock_stop = unlock_stop;
    push_class->create = create;
}

static void fbx_fbexport_src_init(FbxFbexportSrc* self) {
    self->settings = new Settings;
    self->runtime = nullptr;
    gst_base_src_set_live(GST_BASE_SRC(self), TRUE);
    gst_base_src_set_format(GST_BASE_SRC(self), GST_FORMAT_TIME);
}

gboolean fbx_fbexport_src_register(GstPlugin* plugin) {
    GST_DEBUG_CATEGORY_INIT(fbx_fbexport_src_debug, "fbexportsrc", 0, "fbexport desktop source");
    return gst_element_register(plugin, "fbexportsrc", GST_RANK_NONE, FBX_TYPE_FBEXPORT_SRC);
}
