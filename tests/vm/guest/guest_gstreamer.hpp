// GStreamer in the guest for one test suite: only the plugins it needs, as
// links in a folder of its own made GStreamer's system plugin path
// (scanning every installed plugin costs many seconds under TCG), and a
// registry of its own in the guest's /tmp. GStreamer's variables are put
// back when it goes: later suites' child processes (a service with
// streams) want the whole registry.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vmtest {

class GuestGstreamer {
public:
    struct Setup {
        std::string plugin_folder;         // made and filled with links
        std::vector<std::string> plugins;  // "x264" for libgstx264.so
        std::string registry;              // GST_REGISTRY
        // GST_PLUGIN_PATH (the build tree's fbexportsrc), or none.
        std::optional<std::string> plugin_path;
    };

    // Sets the variables, initialises GStreamer and scans the folder (an
    // earlier suite may have initialised it with other plugins).
    explicit GuestGstreamer(const Setup& setup);
    GuestGstreamer(const GuestGstreamer&) = delete;
    GuestGstreamer& operator=(const GuestGstreamer&) = delete;
    ~GuestGstreamer();

private:
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

}  // namespace vmtest
