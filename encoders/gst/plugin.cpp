// The gstfbexport plugin: the elements this project gives GStreamer users.
#include <gst/gst.h>

#include "fbexport_src.hpp"

#ifndef PACKAGE
#define PACKAGE "fbexport"
#endif

namespace {

gboolean plugin_init(GstPlugin* plugin) {
    return fbx_fbexport_src_register(plugin);
}

}  // namespace

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, fbexport,
                  "Guest desktops of fbexport vGPUs as video", plugin_init, FBEXPORT_VERSION,
                  "LGPL", "fbexport", "https://example.invalid/fbexport")
