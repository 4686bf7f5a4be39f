#pragma once

#include <gst/base/gstpushsrc.h>

G_BEGIN_DECLS

// fbexportsrc: a live push source of a guest desktop (or the built-in demo)
// as video/x-raw,format=BGRx, produced on damage and repeated at an idle rate.
#define FBX_TYPE_FBEXPORT_SRC (fbx_fbexport_src_get_type())
G_DECLARE_FINAL_TYPE(FbxFbexportSrc, fbx_fbexport_src, FBX, FBEXPORT_SRC, GstPushSrc)

// Registers the element with `plugin` (called from plugin_init).
gboolean fbx_fbexport_src_register(GstPlugin* plugin);

G_END_DECLS
