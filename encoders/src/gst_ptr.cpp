#include "encoders/gst_ptr.hpp"

#include <mutex>

#include "fbexport/error.hpp"

namespace fbx::gst {

std::string message_text(GstMessage* message) {
    GError* error = nullptr;
    gchar* debug = nullptr;
    if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_WARNING) {
        gst_message_parse_warning(message, &error, &debug);
    } else {
        gst_message_parse_error(message, &error, &debug);
    }
    std::string text = error ? error->message : "unknown error";
    if (debug) {
        text += std::string(" (") + debug + ")";
    }
    if (error) {
        g_error_free(error);
    }
    g_free(debug);
    return text;
}

PipelinePtr parse_pipeline(const std::string& description) {
    GError* error = nullptr;
    // FATAL_ERRORS: a missing element is an error, not a pipeline with a hole.
    GstElement* element =
        gst_parse_launch_full(description.c_str(), nullptr, GST_PARSE_FLAG_FATAL_ERRORS, &error);
    if (error) {
        std::string text = error->message;
        g_error_free(error);
        if (element) {
            gst_object_unref(element);
        }
        throw Error("cannot build the pipeline '" + description + "': " + text);
    }
    if (!element) {
        throw Error("cannot build the pipeline '" + description + "'");
    }
    if (!GST_IS_PIPELINE(element)) {
        // A single element comes back bare; put it in a pipeline of its own.
        GstElement* pipeline = gst_pipeline_new(nullptr);
        gst_bin_add(GST_BIN(pipeline), element);
        element = pipeline;
    }
    return PipelinePtr(element);
}

void ensure_initialized() {
    static std::once_flag once;
    std::call_once(once, [] { gst_init(nullptr, nullptr); });
}

}  // namespace fbx::gst
