#include "guest_gstreamer.hpp"

#include <gst/gst.h>

#include <cstdlib>
#include <filesystem>

namespace vmtest {
namespace {

void set_or_unset(const std::string& name, const std::optional<std::string>& value) {
    if (value) {
        setenv(name.c_str(), value->c_str(), 1);
    } else {
        unsetenv(name.c_str());
    }
}

}  // namespace

GuestGstreamer::GuestGstreamer(const Setup& setup) {
    namespace fs = std::filesystem;
    for (const char* name : {"GST_PLUGIN_SYSTEM_PATH_1_0", "GST_PLUGIN_PATH", "GST_REGISTRY"}) {
        const char* value = std::getenv(name);
        saved_.emplace_back(name, value ? std::optional<std::string>(value) : std::nullopt);
    }
    fs::create_directories(setup.plugin_folder);
    for (const std::string& plugin : setup.plugins) {
        const std::string name = "libgst" + plugin + ".so";
        std::error_code exists_already;
        fs::create_symlink(fs::path(GST_SYSTEM_PLUGIN_DIR) / name,
                           fs::path(setup.plugin_folder) / name, exists_already);
    }
    setenv("GST_PLUGIN_SYSTEM_PATH_1_0", setup.plugin_folder.c_str(), 1);
    setenv("GST_REGISTRY", setup.registry.c_str(), 1);
    set_or_unset("GST_PLUGIN_PATH", setup.plugin_path);
    gst_init(nullptr, nullptr);
    gst_registry_scan_path(gst_registry_get(), setup.plugin_folder.c_str());
}

GuestGstreamer::~GuestGstreamer() {
    for (const auto& [name, value] : saved_) {
        set_or_unset(name, value);
    }
}

}  // namespace vmtest
