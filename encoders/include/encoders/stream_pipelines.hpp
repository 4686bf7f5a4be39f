#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "encoders/stream_options.hpp"
#include "encoders/video_encoder_choice.hpp"

namespace fbx {

// The gst-launch descriptions of the pipelines the service runs. Each starts
// with an appsrc named "src" (its caps are set in code) and, where it
// encodes, names its encoder "encoder" and the videoconvert before it
// "convert", so the code can find them.

enum class Container { matroska, mp4, webm };

// The container a recording's file name asks for: .mkv, .mp4 or .webm.
// Throws fbx::Error for any other name, or for a codec the container cannot
// hold (MP4 holds H.264 here, WebM only VP8).
Container container_for(std::string_view path);
void check_container_holds(Container container, VideoCodec codec, std::string_view path);

// What the service pushes into its streams: NV12 it made once for all of
// them, which H.264 encoders take as it is (see display/nv12_image.hpp for
// its colours), or BGRx (the shadow framebuffer's XRGB8888 in memory order),
// which each pipeline's videoconvert converts.
enum class RawFormat { bgrx, nv12 };

// The caps of those frames at the desktop's size, `fps` nominal. NV12 says
// its colours: BT.601 limited range, chroma at the centre of each 2x2 block.
std::string raw_video_caps(std::uint32_t width, std::uint32_t height, std::uint32_t fps,
                           RawFormat format = RawFormat::bgrx);

// appsrc with a bounded, leaky queue: when the encoder falls behind the
// oldest waiting frame is dropped, never queued without bound.
std::string appsrc_fragment(std::uint32_t queued_frames);

// Raw frames to the chosen encoder's bitstream: colour conversion to 4:2:0
// (what every decoder takes; x264enc would pick 4:4:4 from BGRx otherwise),
// scaling to the size the stream started with (so a mode change keeps the
// file's size), the encoder named "encoder", and its parser. NV12 input an
// encoder takes passes through videoconvert and videoscale untouched.
std::string encode_fragment(const EncoderChoice& encoder, std::uint32_t width,
                            std::uint32_t height);

// The pipeline for --record and --rtp together: one encoder, its output
// teed to a muxer and file and/or an RTP payloader and UDP sink.
std::string encoded_pipeline_description(const StreamOptions& options, const EncoderChoice& encoder,
                                         std::uint32_t width, std::uint32_t height);

// --gst-pipeline: appsrc, then the user's text, which takes raw video.
std::string custom_pipeline_description(std::string_view tail);

// An RTSP media: gst-rtsp-server's bin syntax, its payloader named pay0.
std::string rtsp_media_description(const EncoderChoice& encoder, std::uint32_t width,
                                   std::uint32_t height);

}  // namespace fbx
