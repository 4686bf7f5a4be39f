#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "encoders/listen_address.hpp"
#include "encoders/stream_inlet.hpp"
#include "encoders/stream_options.hpp"

typedef struct _GstRTSPServer GstRTSPServer;
typedef struct _GstRTSPMedia GstRTSPMedia;
typedef struct _GstRTSPMediaFactory GstRTSPMediaFactory;
typedef struct _GMainContext GMainContext;
typedef struct _GMainLoop GMainLoop;
typedef struct _GSource GSource;

namespace fbx {

// An RTSP server (gst-rtsp-server) on its own thread and GLib main context.
// Each mount is one display: every client that plays it gets a pipeline of
// its own built from the mount's description (so each starts on a keyframe
// and a slow client slows no other), whose appsrc becomes a StreamInlet
// handed to the mount's owner while the client plays.
class RtspStreamServer {
public:
    // Called from the server's thread. `attached` takes the inlet of a new
    // client's pipeline and feeds it until `detached` gives it back (after
    // the pipeline has stopped), when the owner lets it go.
    struct MountHooks {
        std::function<void(std::unique_ptr<StreamInlet>)> attached;
        std::function<std::unique_ptr<StreamInlet>(StreamInlet*)> detached;
    };

    // Listens on `address`. Off loopback `credentials` are required (RTSP
    // Digest authentication), as for VNC: without them this throws
    // fbx::Error saying so, as it does when the port cannot be bound.
    RtspStreamServer(const ListenAddress& address, std::optional<RtspCredentials> credentials);
    RtspStreamServer(const RtspStreamServer&) = delete;
    RtspStreamServer& operator=(const RtspStreamServer&) = delete;
    // Closes every client, stops their pipelines and the thread.
    ~RtspStreamServer();

    // Serves `path` (e.g. "/desktop", "/vgpu/<uuid>") with pipelines made
    // from `launch` (gst-rtsp-server's "( ... pay0 )" syntax, an appsrc
    // named "src"). Throws fbx::Error when `path` is served already. Call
    // from the thread that made the server; clients may be playing other
    // mounts.
    void add_mount(const std::string& path, const std::string& launch, MountHooks hooks);
    // Stops serving `path`: clients playing it are closed (their inlets
    // detached through the mount's hooks before this returns); the other
    // mounts go on. From the thread that made the server.
    void remove_mount(const std::string& path);

    // "rtsp://127.0.0.1:8554/desktop"
    std::string url(const std::string& path) const;

private:
    struct Mount;
    static void media_configure(GstRTSPMediaFactory*, GstRTSPMedia* media, gpointer mount);
    static void media_unprepared(GstRTSPMedia* media, gpointer mount);

    ListenAddress address_;
    bool authenticated_ = false;
    GMainContext* context_ = nullptr;
    GMainLoop* loop_ = nullptr;
    GstRTSPServer* server_ = nullptr;
    GSource* listener_ = nullptr;
    std::vector<std::unique_ptr<Mount>> mounts_;
    std::thread thread_;
};

}  // namespace fbx
