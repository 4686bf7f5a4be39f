#include "encoders/rtsp_stream_server.hpp"

#include <gst/rtsp-server/rtsp-server.h>

#include <algorithm>
#include <future>

#include "fbexport/error.hpp"
#include "fbexport/log.hpp"

namespace fbx {
namespace {

constexpr std::string_view component = "rtsp";
// The role every authenticated user has; the mounts grant it access.
constexpr const char* viewer_role = "viewer";

// Closes a client that plays the mount at `path` (a std::string).
GstRTSPFilterResult close_if_playing(GstRTSPServer*, GstRTSPClient* client, gpointer data) {
    const auto& path = *static_cast<const std::string*>(data);
    bool playing = false;
    GList* sessions = gst_rtsp_client_session_filter(client, nullptr, nullptr);
    for (GList* s = sessions; s != nullptr; s = s->next) {
        gint matched = 0;
        GstRTSPSessionMedia* media =
            gst_rtsp_session_get_media(GST_RTSP_SESSION(s->data), path.c_str(), &matched);
        playing |= media != nullptr && matched == static_cast<gint>(path.size());
    }
    g_list_free_full(sessions, g_object_unref);
    return playing ? GST_RTSP_FILTER_REMOVE : GST_RTSP_FILTER_KEEP;
}

}  // namespace

struct RtspStreamServer::Mount {
    RtspStreamServer* server = nullptr;
    std::string path;
    MountHooks hooks;
    GstRTSPMediaFactory* factory = nullptr;  // the mount points hold the reference
    std::mutex mutex;
    std::map<GstRTSPMedia*, StreamInlet*> media;  // the clients' pipelines being fed
    unsigned clients = 0;                         // ever attached, to name them
};

RtspStreamServer::RtspStreamServer(const ListenAddress& address,
                                   std::optional<RtspCredentials> credentials)
    : address_(address), authenticated_(credentials.has_value()) {
    if (!address.is_loopback() && !credentials) {
        throw Error("refusing to serve RTSP on " + address.to_string() +
                    " without authentication: anyone who can reach that address would see the "
                    "guest's screen. Listen on loopback (e.g. --rtsp 127.0.0.1:" +
                    std::to_string(address.port) + ") or give --rtsp-credentials-file");
    }
    gst::ensure_initialized();
    context_ = g_main_context_new();
    loop_ = g_main_loop_new(context_, FALSE);
    server_ = gst_rtsp_server_new();
    gst_rtsp_server_set_address(server_, address.host.c_str());
    const std::string port = std::to_string(address.port);
    gst_rtsp_server_set_service(server_, port.c_str());

    if (credentials) {
        GstRTSPAuth* auth = gst_rtsp_auth_new();
        // Digest: the password never crosses the network in the clear.
        gst_rtsp_auth_set_supported_methods(auth, GST_RTSP_AUTH_DIGEST);
        GstRTSPToken* token = gst_rtsp_token_new(GST_RTSP_TOKEN_MEDIA_FACTORY_ROLE, G_TYPE_STRING,
                                                 viewer_role, nullptr);
        gst_rtsp_auth_add_digest(auth, credentials->user.c_str(), credentials->password.c_str(),
                                 token);
        gst_rtsp_token_unref(token);
        gst_rtsp_server_set_auth(server_, auth);
        g_object_unref(auth);
    }

    GError* error = nullptr;
    listener_ = gst_rtsp_server_create_source(server_, nullptr, &error);
    if (!listener_) {
        const std::string reason = error ? error->message : "unknown reason";
        g_clear_error(&error);
        g_object_unref(server_);
        g_main_loop_unref(loop_);
        g_main_context_unref(context_);
        throw Error("cannot listen for RTSP on " + address.to_string() + ": " + reason);
    }
    g_source_attach(listener_, context_);
    thread_ = std::thread([this] {
        g_main_context_push_thread_default(context_);
        g_main_loop_run(loop_);
        g_main_context_pop_thread_default(context_);
    });
    log(LogLevel::info, component) << "listening on " << address.to_string()
                                   << (authenticated_ ? " with Digest authentication" : "");
}

RtspStreamServer::~RtspStreamServer() {
    // Stop accepting and close every client inside the server's own context,
    // where gst-rtsp-server does all its other work; their sessions' media
    // are unprepared there, which detaches their inlets.
    std::promise<void> closed;
    struct Work {
        RtspStreamServer* self;
        std::promise<void>* done;
    } work{this, &closed};
    g_main_context_invoke(
        context_,
        [](gpointer data) -> gboolean {
            auto* w = static_cast<Work*>(data);
            g_source_destroy(w->self->listener_);
            gst_rtsp_server_client_filter(
                w->self->server_,
                [](GstRTSPServer*, GstRTSPClient*, gpointer) { return GST_RTSP_FILTER_REMOVE; },
                nullptr);
            w->done->set_value();
            return G_SOURCE_REMOVE;
        },
        &work);
    closed.get_future().wait();
    g_main_loop_quit(loop_);
    thread_.join();

    // Media a closed client left prepared (none is expected) stop here.
    for (auto& mount : mounts_) {
        std::vector<GstRTSPMedia*> left;
        {
            std::lock_guard lock(mount->mutex);
            for (auto& [media, inlet] : mount->media) {
                left.push_back(GST_RTSP_MEDIA(g_object_ref(media)));
            }
        }
        for (GstRTSPMedia* media : left) {
            gst_rtsp_media_unprepare(media);
            g_object_unref(media);
        }
    }
    g_source_unref(listener_);
    g_object_unref(server_);
    g_main_loop_unref(loop_);
    g_main_context_unref(context_);
}

void RtspStreamServer::add_mount(const std::string& path, const std::string& launch,
                                 MountHooks hooks) {
    for (const auto& m : mounts_) {
        if (m->path == path) {
            throw Error("RTSP " + url(path) + " is served already (by another display)");
        }
    }
    auto mount = std::make_unique<Mount>();
    mount->server = this;
    mount->path = path;
    mount->hooks = std::move(hooks);

    GstRTSPMediaFactory* factory = gst_rtsp_media_factory_new();
    gst_rtsp_media_factory_set_launch(factory, launch.c_str());
    // One pipeline per client: each starts with a keyframe of its own, and a
    // client on a slow link makes only its own encoder drop frames.
    gst_rtsp_media_factory_set_shared(factory, FALSE);
    if (authenticated_) {
        gst_rtsp_media_factory_add_role(factory, viewer_role, GST_RTSP_PERM_MEDIA_FACTORY_ACCESS,
                                        G_TYPE_BOOLEAN, TRUE, GST_RTSP_PERM_MEDIA_FACTORY_CONSTRUCT,
                                        G_TYPE_BOOLEAN, TRUE, nullptr);
    }
    g_signal_connect(factory, "media-configure", G_CALLBACK(media_configure), mount.get());
    mount->factory = factory;

    GstRTSPMountPoints* mounts = gst_rtsp_server_get_mount_points(server_);
    gst_rtsp_mount_points_add_factory(mounts, path.c_str(), factory);  // takes the factory
    g_object_unref(mounts);
    log(LogLevel::info, component) << "serving " << url(path);
    mounts_.push_back(std::move(mount));
}

void RtspStreamServer::remove_mount(const std::string& path) {
    const auto found = std::find_if(mounts_.begin(), mounts_.end(),
                                    [&](const auto& m) { return m->path == path; });
    if (found == mounts_.end()) {
        return;
    }
    Mount* mount = found->get();
    // In the server's context, like all its other work: no new client gets
    // the mount, and the clients playing it are closed, which unprepares
    // their media and so detaches their inlets before this returns.
    std::promise<void> done;
    struct Work {
        RtspStreamServer* self;
        Mount* mount;
        std::promise<void>* done;
    } work{this, mount, &done};
    g_main_context_invoke(
        context_,
        [](gpointer data) -> gboolean {
            auto* w = static_cast<Work*>(data);
            GstRTSPMountPoints* points = gst_rtsp_server_get_mount_points(w->self->server_);
            g_signal_handlers_disconnect_by_data(w->mount->factory, w->mount);
            gst_rtsp_mount_points_remove_factory(points, w->mount->path.c_str());
            g_object_unref(points);
            gst_rtsp_server_client_filter(w->self->server_, close_if_playing, &w->mount->path);
            std::vector<GstRTSPMedia*> left;
            {
                std::lock_guard lock(w->mount->mutex);
                for (auto& [media, inlet] : w->mount->media) {
                    left.push_back(GST_RTSP_MEDIA(g_object_ref(media)));
                }
            }
            for (GstRTSPMedia* media : left) {
                // Unprepared by now, whether its "unprepared" signal came
                // yet or not: hand its inlet back (once) and hear no more.
                gst_rtsp_media_unprepare(media);
                g_signal_handlers_disconnect_by_data(media, w->mount);
                media_unprepared(media, w->mount);
                g_object_unref(media);
            }
            w->done->set_value();
            return G_SOURCE_REMOVE;
        },
        &work);
    done.get_future().wait();
    log(LogLevel::info, component) << "no longer serving " << url(path);
    mounts_.erase(found);
}

std::string RtspStreamServer::url(const std::string& path) const {
    return "rtsp://" + address_.to_string() + path;
}

void RtspStreamServer::media_configure(GstRTSPMediaFactory*, GstRTSPMedia* media, gpointer data) {
    auto* mount = static_cast<Mount*>(data);
    gst::ElementPtr bin(gst_rtsp_media_get_element(media));
    gst::ElementPtr src(gst_bin_get_by_name(GST_BIN(bin.get()), "src"));
    gst::ElementPtr encoder(gst_bin_get_by_name(GST_BIN(bin.get()), "encoder"));
    gst::ElementPtr convert(gst_bin_get_by_name(GST_BIN(bin.get()), "convert"));
    if (!src) {
        log(LogLevel::error, component) << mount->path << ": the media has no appsrc named 'src'";
        return;
    }
    // Frames are stamped with the system clock's time; the pipeline runs on it.
    gst::ClockPtr clock(gst_system_clock_obtain());
    gst_rtsp_media_set_clock(media, clock.get());

    std::unique_ptr<StreamInlet> inlet;
    {
        std::lock_guard lock(mount->mutex);
        inlet = std::make_unique<StreamInlet>(
            "rtsp " + mount->path + " client " + std::to_string(++mount->clients), src.get(),
            encoder.get(), convert.get());
        mount->media[media] = inlet.get();
    }
    g_signal_connect(media, "unprepared", G_CALLBACK(media_unprepared), mount);
    log(LogLevel::info, component) << inlet->name() << ": streaming";
    mount->hooks.attached(std::move(inlet));
}

void RtspStreamServer::media_unprepared(GstRTSPMedia* media, gpointer data) {
    auto* mount = static_cast<Mount*>(data);
    StreamInlet* inlet = nullptr;
    {
        std::lock_guard lock(mount->mutex);
        const auto it = mount->media.find(media);
        if (it == mount->media.end()) {
            return;
        }
        inlet = it->second;
        mount->media.erase(it);
    }
    // The media's pipeline is in NULL by now: the inlet's probes are idle.
    std::unique_ptr<StreamInlet> back = mount->hooks.detached(inlet);
    if (back) {
        log(LogLevel::info, component) << back->name() << ": stopped";
    }
}

}  // namespace fbx
