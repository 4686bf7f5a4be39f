#include "display/gl_converter.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

#include <drm_fourcc.h>

#include "fbexport/error.hpp"
#include "fbexport/log.hpp"
#include "gl/dmabuf_importer.hpp"
#include "gl/egl_error.hpp"
#include "gl/gl_program.hpp"
#include "gl/gl_session.hpp"
#include "gl/pbo_reader.hpp"
#include "gl/render_target.hpp"
#include "gl/shader_sources.hpp"
#include "gl/upload_plan.hpp"
#include "gl/word_texture.hpp"
#include "plane_reader.hpp"

namespace fbx {
namespace {

using Clock = std::chrono::steady_clock;

// The detile program's FORMAT: how a pixel's value maps to R, G, B.
GLuint detile_format(std::uint32_t fourcc) {
    switch (fourcc) {
        case DRM_FORMAT_XBGR8888:
        case DRM_FORMAT_ABGR8888:
            return 1;
        case DRM_FORMAT_RGB565:
            return 2;
        case DRM_FORMAT_XRGB2101010:
            return 3;
        default:  // XRGB8888, ARGB8888: alpha lands in the undefined X byte
            return 0;
    }
}

GLuint tiling_code(Tiling tiling) {
    switch (tiling) {
        case Tiling::intel_x:
            return 1;
        case Tiling::intel_y:
            return 2;
        case Tiling::linear:
            break;
    }
    return 0;
}

// Surfaces whose byte offsets do not fit the shader's 32-bit arithmetic.
constexpr std::uint64_t max_surface_bytes = std::uint64_t{1} << 31;

}  // namespace

class GlConverter::Impl {
public:
    explicit Impl(const Options& options);
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl();

    void convert(const Plane& plane, const DamageRegion& damage, ShadowFramebuffer& out);
    void convert_nv12(const Plane& plane, Nv12Image& out);
    void update_nv12(const DamageRegion& damage, Nv12Image& out);
    const std::string& import_status() const { return importer_.status(); }

    // Declared first: destroyed last, after every GL object below.
    gl::GlSession session;
    Options options;
    StepTimes times;
    bool timing = false;
    std::string description;

private:
    // Draws `rects` of the plane into picture_ (sized width x height).
    void draw_picture(const Plane& plane, PlaneReader& reader, const std::vector<Rect>& rects,
                      std::uint32_t width, std::uint32_t height);
    bool draw_imported(const Plane& plane, const std::vector<Rect>& rects);
    void draw_uploaded(const Plane& plane, PlaneReader& reader, const std::vector<Rect>& rects);
    void draw_rect(GLint rect_uniform, const Rect& r) const;
    // NV12 of picture_ inside `damage`, or whole when `out` is another size.
    void picture_nv12(const DamageRegion& damage, Nv12Image& out);
    // Runs `step` and, while timing, adds its duration (after glFinish) to `total`.
    template <typename F>
    void timed(double& total, F&& step);

    // The detile program for a tiling, format and alignment, built on first use.
    const gl::GlProgram& detile_program(Tiling tiling, std::uint32_t fourcc, bool may_straddle);

    std::map<unsigned, std::unique_ptr<gl::GlProgram>> detile_;
    gl::GlProgram imported_;
    gl::GlProgram luma_;
    gl::GlProgram chroma_;
    gl::GlVertexArray vertex_array_;
    gl::WordTexture words_;
    gl::RenderTarget picture_{"picture"};
    gl::RenderTarget luma_target_{"NV12 luma"};
    gl::RenderTarget chroma_target_{"NV12 chroma"};
    gl::PboReader reader_;
    gl::DmabufImporter importer_;
    std::weak_ptr<const Buffer> import_failed_;  // the last buffer that would not import
};

GlConverter::Impl::Impl(const Options& opts)
    : session(gl::open_gl_session()),
      options(opts),
      imported_("the dma-buf program", gl::shaders::rect_vertex, gl::shaders::imported_fragment),
      luma_("the NV12 luma program", gl::shaders::rect_vertex, gl::shaders::luma_fragment),
      chroma_("the NV12 chroma program", gl::shaders::rect_vertex, gl::shaders::chroma_fragment),
      vertex_array_(gl::GlVertexArray::generate()),
      importer_(*session.display) {
    description =
        "gl (" + session.renderer + ", " + session.version + ", " + session.display->where() + ")";
    // Exact colours: no dithering, no blending (the defaults, save dither).
    glDisable(GL_DITHER);
    glDisable(GL_BLEND);
    glDisable(GL_SCISSOR_TEST);
    glBindVertexArray(vertex_array_.get());
    for (const gl::GlProgram* p : {&imported_, &luma_, &chroma_}) {
        p->use();
        // Every program samples texture unit 0.
        glUniform1i(p->uniform(p == &imported_ ? "u_image" : "u_picture"), 0);
    }
    gl::check_gl_error("setting up the GL converter on " + session.display->where());
}

GlConverter::Impl::~Impl() {
    try {
        session.context->make_current();  // the GL objects below are deleted in it
    } catch (const Error& e) {
        log(LogLevel::warn, "convert") << "GL converter teardown: " << e.what();
    }
}

template <typename F>
void GlConverter::Impl::timed(double& total, F&& step) {
    if (!timing) {
        step();
        return;
    }
    const auto start = Clock::now();
    step();
    glFinish();
    total += std::chrono::duration<double>(Clock::now() - start).count();
}

void GlConverter::Impl::draw_rect(GLint rect_uniform, const Rect& r) const {
    glUniform4f(rect_uniform, float(r.x), float(r.y), float(r.width), float(r.height));
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
}

bool GlConverter::Impl::draw_imported(const Plane& plane, const std::vector<Rect>& rects) {
    if (!options.dmabuf_import || !importer_.can_import(plane)) {
        return false;
    }
    if (!import_failed_.owner_before(plane.buffer) && !plane.buffer.owner_before(import_failed_) &&
        !import_failed_.expired()) {
        return false;  // this buffer failed before: do not retry every frame
    }
    GLuint texture = 0;
    try {
        timed(times.upload_s, [&] { texture = importer_.texture(plane); });
    } catch (const Error& e) {
        log(LogLevel::warn, "convert") << "dma-buf import failed, uploading instead: " << e.what();
        import_failed_ = plane.buffer;
        return false;
    }
    times.imported = true;
    imported_.use();
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, texture);
    const bool is_565 = plane.fourcc == DRM_FORMAT_RGB565;
    const bool is_10 = plane.fourcc == DRM_FORMAT_XRGB2101010;
    const float levels_rb = is_565 ? 31.0f : is_10 ? 1023.0f : 255.0f;
    const float levels_g = is_565 ? 63.0f : levels_rb;
    glUniform3f(imported_.uniform("u_levels"), levels_rb, levels_g, levels_rb);
    glUniform1ui(imported_.uniform("u_widen"), is_565 ? 1u : is_10 ? 2u : 0u);
    glUniform2f(imported_.uniform("u_target"), float(picture_.width()), float(picture_.height()));
    const GLint rect_uniform = imported_.uniform("u_rect");
    timed(times.draw_s, [&] {
        for (const Rect& r : rects) {
            draw_rect(rect_uniform, r);
        }
    });
    return true;
}

const gl::GlProgram& GlConverter::Impl::detile_program(Tiling tiling, std::uint32_t fourcc,
                                                       bool may_straddle) {
    const unsigned t = tiling_code(tiling);
    const unsigned f = detile_format(fourcc);
    const unsigned key = t * 8 + f * 2 + (may_straddle ? 1 : 0);
    auto& program = detile_[key];
    if (!program) {
        program = std::make_unique<gl::GlProgram>(
            "the detile program (" + std::string(find_format(fourcc)->name) + ", tiling " +
                std::to_string(t) + (may_straddle ? ", unaligned" : "") + ")",
            gl::shaders::rect_vertex, gl::shaders::detile_fragment(t, f, may_straddle));
        program->use();
        glUniform1i(program->uniform("u_words"), 0);
    }
    return *program;
}

void GlConverter::Impl::draw_uploaded(const Plane& plane, PlaneReader& reader,
                                      const std::vector<Rect>& rects) {
    const SurfaceLayout& layout = reader.layout();
    if (layout.size_bytes() > max_surface_bytes) {
        throw Error("surface of " + std::to_string(layout.size_bytes()) +
                    " bytes is larger than the GL path addresses (2 GiB)");
    }
    const std::uint32_t bpp = reader.format().bytes_per_pixel;
    const std::vector<gl::UploadBand> bands =
        gl::plan_uploads(layout, bpp, plane.width, plane.height, rects, words_.capacity_bytes());
    const std::uint8_t* buffer = plane.buffer->map();
    // Held until every band is uploaded: the texture uploads read the mapping.
    const CpuReadAccess access = plane.buffer->begin_cpu_read();

    // A pixel can straddle two 32-bit words only where its address can be
    // misaligned for its size: a linear surface with an odd offset or stride.
    const bool may_straddle = plane.offset % bpp != 0 || layout.stride() % bpp != 0;
    const gl::GlProgram& detile = detile_program(layout.tiling(), plane.fourcc, may_straddle);
    detile.use();
    glUniform1ui(detile.uniform("u_row_shift"), words_.row_shift());
    glUniform1ui(detile.uniform("u_stride"), layout.stride());
    glUniform2f(detile.uniform("u_target"), float(picture_.width()), float(picture_.height()));
    const GLint bias_uniform = detile.uniform("u_bias");
    const GLint rect_uniform = detile.uniform("u_rect");
    glActiveTexture(GL_TEXTURE0);

    for (const gl::UploadBand& band : bands) {
        std::uint64_t start = 0;
        timed(times.upload_s, [&] {
            start = words_.upload(buffer, plane.buffer->size(), plane.offset + band.begin_byte,
                                  plane.offset + band.end_byte);
        });
        // Surface offset s is at index s + offset - start; mod 2^32 in the shader.
        glUniform1ui(bias_uniform, static_cast<GLuint>(plane.offset - start));
        glBindTexture(GL_TEXTURE_2D, words_.texture());
        timed(times.draw_s, [&] {
            for (const Rect& r : band.rects) {
                draw_rect(rect_uniform, r);
            }
        });
    }
}

void GlConverter::Impl::draw_picture(const Plane& plane, PlaneReader& reader,
                                     const std::vector<Rect>& rects, std::uint32_t width,
                                     std::uint32_t height) {
    picture_.bind(width, height);
    if (!draw_imported(plane, rects)) {
        draw_uploaded(plane, reader, rects);
    }
    gl::check_gl_error("drawing the damage");
}

void GlConverter::Impl::convert(const Plane& plane, const DamageRegion& damage,
                                ShadowFramebuffer& out) {
    times = {};
    PlaneReader reader(plane);  // validates before anything is read
    const Rect area = intersect(reader.bounds(), out.bounds());
    DamageRegion todo = damage;
    todo.clip(area);
    if (todo.empty()) {
        return;
    }
    const std::vector<Rect> rects = todo.rects();
    session.context->make_current();
    try {
        draw_picture(plane, reader, rects, static_cast<std::uint32_t>(area.width),
                     static_cast<std::uint32_t>(area.height));
        timed(times.readback_s, [&] {
            reader_.read(rects, [&](const Rect& r, const std::uint8_t* texels) {
                const std::size_t row_bytes = std::size_t(r.width) * 4;
                for (std::int32_t i = 0; i < r.height; ++i) {
                    std::memcpy(out.row(static_cast<std::uint32_t>(r.y + i)) + r.x,
                                texels + row_bytes * std::size_t(i), row_bytes);
                }
            });
        });
    } catch (const Error& e) {
        throw Error("GL conversion of " + fbx::describe(plane) + " on " + session.renderer + ": " +
                    e.what());
    }
}

void GlConverter::Impl::convert_nv12(const Plane& plane, Nv12Image& out) {
    times = {};
    PlaneReader reader(plane);
    const Rect whole = reader.bounds();
    session.context->make_current();
    try {
        draw_picture(plane, reader, {whole}, plane.width, plane.height);
        picture_nv12(DamageRegion(whole), out);
    } catch (const Error& e) {
        throw Error("GL NV12 conversion of " + fbx::describe(plane) + " on " + session.renderer +
                    ": " + e.what());
    }
}

void GlConverter::Impl::update_nv12(const DamageRegion& damage, Nv12Image& out) {
    times = {};
    if (picture_.width() == 0) {
        throw Error("NV12 of the GL picture asked for before any conversion drew one");
    }
    session.context->make_current();
    try {
        picture_nv12(damage, out);
    } catch (const Error& e) {
        throw Error("GL NV12 update of the " + std::to_string(picture_.width()) + "x" +
                    std::to_string(picture_.height()) + " picture on " + session.renderer + ": " +
                    e.what());
    }
}

void GlConverter::Impl::picture_nv12(const DamageRegion& damage, Nv12Image& out) {
    const std::uint32_t width = picture_.width();
    const std::uint32_t height = picture_.height();
    DamageRegion todo = damage;
    if (out.width != width || out.height != height) {
        out.resize(width, height);
        todo = DamageRegion(
            Rect{0, 0, static_cast<std::int32_t>(width), static_cast<std::int32_t>(height)});
    }
    todo.clip(width, height);
    // A luma texel holds four pixels of a row, a chroma texel the two Cb,Cr
    // pairs of a 4x2 block: draw and read whole blocks. Edges on multiples
    // of 4 and 2 stay on them through the region's union.
    DamageRegion blocks;
    for (const Rect& r : todo.rects()) {
        const std::int32_t x0 = r.x / 4 * 4;
        const std::int32_t y0 = r.y / 2 * 2;
        const std::int32_t x1 = (r.right() + 3) / 4 * 4;
        const std::int32_t y1 = (r.bottom() + 1) / 2 * 2;
        blocks.add(Rect{x0, y0, x1 - x0, y1 - y0});
    }
    if (blocks.empty()) {
        return;
    }
    const auto texels_wide = static_cast<std::int32_t>((width + 3) / 4);
    const Rect luma_bounds{0, 0, texels_wide, static_cast<std::int32_t>(height)};
    const Rect chroma_bounds{0, 0, texels_wide, static_cast<std::int32_t>(out.chroma_height())};
    std::vector<Rect> luma_rects;
    std::vector<Rect> chroma_rects;
    for (const Rect& b : blocks.rects()) {
        luma_rects.push_back(intersect({b.x / 4, b.y, b.width / 4, b.height}, luma_bounds));
        chroma_rects.push_back(
            intersect({b.x / 4, b.y / 2, b.width / 4, b.height / 2}, chroma_bounds));
    }
    const GLint size[] = {static_cast<GLint>(width), static_cast<GLint>(height)};
    // One pass per plane: draw its texels, then read them back into `out`,
    // clipping the last texel of a row where the width is not a multiple of 4.
    const auto pass = [&](const gl::GlProgram& program, gl::RenderTarget& target,
                          const Rect& bounds, const std::vector<Rect>& rects, std::uint8_t* plane,
                          std::size_t stride) {
        timed(times.draw_s, [&] {
            target.bind(static_cast<std::uint32_t>(bounds.width),
                        static_cast<std::uint32_t>(bounds.height));
            program.use();
            glBindTexture(GL_TEXTURE_2D, picture_.texture());
            glUniform2iv(program.uniform("u_size"), 1, size);
            glUniform2f(program.uniform("u_target"), float(bounds.width), float(bounds.height));
            const GLint rect_uniform = program.uniform("u_rect");
            for (const Rect& r : rects) {
                draw_rect(rect_uniform, r);
            }
        });
        timed(times.readback_s, [&] {
            reader_.read(rects, [&](const Rect& r, const std::uint8_t* texels) {
                const std::size_t row_bytes = std::size_t(r.width) * 4;
                const std::size_t bytes = std::min(row_bytes, stride - std::size_t(r.x) * 4);
                for (std::int32_t i = 0; i < r.height; ++i) {
                    std::memcpy(plane + std::size_t(r.y + i) * stride + std::size_t(r.x) * 4,
                                texels + row_bytes * std::size_t(i), bytes);
                }
            });
        });
    };
    glActiveTexture(GL_TEXTURE0);
    pass(luma_, luma_target_, luma_bounds, luma_rects, out.y.data(), out.width);
    pass(chroma_, chroma_target_, chroma_bounds, chroma_rects, out.uv.data(), out.uv_stride());
    gl::check_gl_error("the NV12 passes");
}

GlConverter::GlConverter() : GlConverter(Options{}) {}
GlConverter::GlConverter(const Options& options) : impl_(std::make_unique<Impl>(options)) {}
GlConverter::~GlConverter() = default;

void GlConverter::convert(const Plane& plane, const DamageRegion& damage, ShadowFramebuffer& out) {
    impl_->convert(plane, damage, out);
}

void GlConverter::convert_nv12(const Plane& plane, Nv12Image& out) {
    impl_->convert_nv12(plane, out);
}

void GlConverter::update_nv12(const DamageRegion& damage, Nv12Image& out) {
    impl_->update_nv12(damage, out);
}

std::string GlConverter::describe() const {
    return impl_->description;
}

const std::string& GlConverter::renderer() const {
    return impl_->session.renderer;
}

bool GlConverter::software_renderer() const {
    return impl_->session.software;
}

const std::string& GlConverter::dmabuf_import_status() const {
    return impl_->import_status();
}

void GlConverter::set_step_timing(bool enabled) {
    impl_->timing = enabled;
}

const GlConverter::StepTimes& GlConverter::last_step_times() const {
    return impl_->times;
}

}  // namespace fbx
