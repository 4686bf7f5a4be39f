#pragma once

#include <gst/gst.h>

#include <memory>
#include <string>

namespace fbx::gst {

// Sole owners of one GStreamer reference each, so every early return and
// exception path gives the reference back.
struct ObjectUnref {
    void operator()(gpointer object) const { gst_object_unref(object); }
};
// An element we set to NULL before the last unref: a pipeline that still
// runs would otherwise keep its threads going past its owner.
struct ElementStop {
    void operator()(GstElement* element) const {
        gst_element_set_state(element, GST_STATE_NULL);
        gst_object_unref(element);
    }
};
struct MiniObjectUnref {
    void operator()(gpointer object) const { gst_mini_object_unref(GST_MINI_OBJECT_CAST(object)); }
};
struct GObjectUnref {
    void operator()(gpointer object) const { g_object_unref(object); }
};

template <typename T>
using ObjectPtr = std::unique_ptr<T, ObjectUnref>;
template <typename T>
using MiniObjectPtr = std::unique_ptr<T, MiniObjectUnref>;
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;
using ElementPtr = ObjectPtr<GstElement>;
using PipelinePtr = std::unique_ptr<GstElement, ElementStop>;
using RunningElementPtr = PipelinePtr;  // any element that may have left NULL
using PadPtr = ObjectPtr<GstPad>;
using BusPtr = ObjectPtr<GstBus>;
using ClockPtr = ObjectPtr<GstClock>;
using BufferPtr = MiniObjectPtr<GstBuffer>;
using CapsPtr = MiniObjectPtr<GstCaps>;
using MessagePtr = MiniObjectPtr<GstMessage>;

// "message (debug details)" of an error or warning message on a bus.
std::string message_text(GstMessage* message);

// gst_parse_launch() of a whole pipeline; throws fbx::Error quoting the
// description and the parser's complaint (e.g. a missing element).
PipelinePtr parse_pipeline(const std::string& description);

// gst_init() once per process, without touching argv.
void ensure_initialized();

}  // namespace fbx::gst
