#pragma once

#include <gst/gst.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace fbx::test {

// Points GStreamer (and the tools the tests start) at the plugin in the build
// tree and a registry cache of the build tree's own. Before gst_init().
inline void use_build_tree_plugin() {
    setenv("GST_PLUGIN_PATH", FBEXPORT_GST_PLUGIN_DIR, 1);
    setenv("GST_REGISTRY", FBEXPORT_GST_REGISTRY, 1);
}

// Sole owners of one GStreamer reference each.
struct GstObjectUnref {
    void operator()(gpointer object) const { gst_object_unref(object); }
};
struct PipelineUnref {
    void operator()(GstElement* pipeline) const {
        gst_element_set_state(pipeline, GST_STATE_NULL);
        gst_object_unref(pipeline);
    }
};
struct SampleUnref {
    void operator()(GstSample* sample) const { gst_sample_unref(sample); }
};
struct MessageUnref {
    void operator()(GstMessage* message) const { gst_message_unref(message); }
};
using PipelinePtr = std::unique_ptr<GstElement, PipelineUnref>;
using ElementPtr = std::unique_ptr<GstElement, GstObjectUnref>;
using BusPtr = std::unique_ptr<GstBus, GstObjectUnref>;
using PadPtr = std::unique_ptr<GstPad, GstObjectUnref>;
using SamplePtr = std::unique_ptr<GstSample, SampleUnref>;
using MessagePtr = std::unique_ptr<GstMessage, MessageUnref>;

// gst_parse_launch, failing with the parser's message.
inline PipelinePtr launch(const std::string& description, std::string* error_text) {
    GError* error = nullptr;
    GstElement* pipeline = gst_parse_launch(description.c_str(), &error);
    if (error) {
        *error_text = "gst_parse_launch(" + description + "): " + error->message;
        g_error_free(error);
        if (pipeline) {
            gst_object_unref(pipeline);
        }
        return nullptr;
    }
    return PipelinePtr(pipeline);
}

inline ElementPtr by_name(GstElement* pipeline, const char* name) {
    return ElementPtr(gst_bin_get_by_name(GST_BIN(pipeline), name));
}

// The text of an error message: "message (debug info)".
inline std::string error_text(GstMessage* message) {
    GError* error = nullptr;
    gchar* debug = nullptr;
    gst_message_parse_error(message, &error, &debug);
    std::string text =
        std::string(error ? error->message : "?") + " (" + (debug ? debug : "") + ")";
    if (error) {
        g_error_free(error);
    }
    g_free(debug);
    return text;
}

struct CommandResult {
    int status = -1;     // the exit status, -1 when the command could not run or was killed
    std::string output;  // stdout and stderr together
};

// Runs a shell command line; the GST_* variables CTest sets are inherited.
inline CommandResult run_command(const std::string& command) {
    CommandResult result;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (!pipe) {
        return result;
    }
    char chunk[4096];
    while (std::size_t n = std::fread(chunk, 1, sizeof chunk, pipe)) {
        result.output.append(chunk, n);
    }
    const int status = pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

}  // namespace fbx::test
