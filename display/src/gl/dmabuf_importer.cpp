#include "dmabuf_importer.hpp"

#include <GLES2/gl2ext.h>
#include <linux/magic.h>
#include <sys/vfs.h>

#include <algorithm>

#include "egl_error.hpp"
#include "fbexport/error.hpp"
#include "plane_reader.hpp"

namespace fbx::gl {
namespace {

// An EGLImage, destroyed once the texture holds its own reference.
class EglImage {
public:
    EglImage(EGLDisplay display, EGLImageKHR image, PFNEGLDESTROYIMAGEKHRPROC destroy)
        : display_(display), image_(image), destroy_(destroy) {}
    EglImage(const EglImage&) = delete;
    EglImage& operator=(const EglImage&) = delete;
    ~EglImage() { destroy_(display_, image_); }
    EGLImageKHR get() const { return image_; }

private:
    EGLDisplay display_;
    EGLImageKHR image_;
    PFNEGLDESTROYIMAGEKHRPROC destroy_;
};

bool gl_extension(std::string_view name) {
    const auto* list = reinterpret_cast<const char*>(glGetString(GL_EXTENSIONS));
    return list != nullptr && extension_listed(list, name);
}

}  // namespace

bool is_dmabuf(int fd) {
    struct statfs fs {};
    return fd >= 0 && ::fstatfs(fd, &fs) == 0 && fs.f_type == DMA_BUF_MAGIC;
}

DmabufImporter::DmabufImporter(const EglDisplay& display) : display_(display.get()) {
    if (!display.has_extension("EGL_EXT_image_dma_buf_import_modifiers")) {
        status_ =
            "off: EGL on " + display.where() + " lacks EGL_EXT_image_dma_buf_import_modifiers";
        return;
    }
    if (!gl_extension("GL_OES_EGL_image")) {
        status_ = "off: GL lacks GL_OES_EGL_image";
        return;
    }
    create_image_ =
        reinterpret_cast<PFNEGLCREATEIMAGEKHRPROC>(eglGetProcAddress("eglCreateImageKHR"));
    destroy_image_ =
        reinterpret_cast<PFNEGLDESTROYIMAGEKHRPROC>(eglGetProcAddress("eglDestroyImageKHR"));
    query_modifiers_ = reinterpret_cast<PFNEGLQUERYDMABUFMODIFIERSEXTPROC>(
        eglGetProcAddress("eglQueryDmaBufModifiersEXT"));
    image_target_texture_ = reinterpret_cast<void (*)(GLenum, void*)>(
        eglGetProcAddress("glEGLImageTargetTexture2DOES"));
    if (!create_image_ || !destroy_image_ || !query_modifiers_ || !image_target_texture_) {
        status_ = "off: an import entry point is missing from eglGetProcAddress";
        return;
    }
    available_ = true;
    status_ = "EGL_EXT_image_dma_buf_import_modifiers";
}

bool DmabufImporter::supports(std::uint32_t fourcc, std::uint64_t modifier) {
    auto it = modifiers_.find(fourcc);
    if (it == modifiers_.end()) {
        std::vector<std::pair<std::uint64_t, bool>> list;
        EGLint count = 0;
        if (query_modifiers_(display_, static_cast<EGLint>(fourcc), 0, nullptr, nullptr, &count) ==
                EGL_TRUE &&
            count > 0) {
            std::vector<EGLuint64KHR> values(static_cast<std::size_t>(count));
            std::vector<EGLBoolean> external(static_cast<std::size_t>(count));
            if (query_modifiers_(display_, static_cast<EGLint>(fourcc), count, values.data(),
                                 external.data(), &count) == EGL_TRUE) {
                for (EGLint i = 0; i < count; ++i) {
                    list.emplace_back(values[i], external[i] == EGL_TRUE);
                }
            }
        }
        it = modifiers_.emplace(fourcc, std::move(list)).first;
    }
    return std::any_of(it->second.begin(), it->second.end(), [&](const auto& m) {
        return m.first == modifier && !m.second;  // external-only images need samplerExternalOES
    });
}

bool DmabufImporter::can_import(const Plane& plane) {
    return available_ && plane.buffer && plane.offset <= INT32_MAX &&
           supports(plane.fourcc, plane.modifier) && is_dmabuf(plane.fd());
}

GLuint DmabufImporter::texture(const Plane& plane) {
    Cached& c = cached_;
    if (c.texture && !c.buffer.owner_before(plane.buffer) && !plane.buffer.owner_before(c.buffer) &&
        !c.buffer.expired() && c.fourcc == plane.fourcc && c.modifier == plane.modifier &&
        c.width == plane.width && c.height == plane.height && c.stride == plane.stride &&
        c.offset == plane.offset) {
        return c.texture.get();
    }
    const EGLint attributes[] = {
        EGL_WIDTH,
        static_cast<EGLint>(plane.width),
        EGL_HEIGHT,
        static_cast<EGLint>(plane.height),
        EGL_LINUX_DRM_FOURCC_EXT,
        static_cast<EGLint>(plane.fourcc),
        EGL_DMA_BUF_PLANE0_FD_EXT,
        plane.fd(),
        EGL_DMA_BUF_PLANE0_OFFSET_EXT,
        static_cast<EGLint>(plane.offset),
        EGL_DMA_BUF_PLANE0_PITCH_EXT,
        static_cast<EGLint>(plane.stride),
        EGL_DMA_BUF_PLANE0_MODIFIER_LO_EXT,
        static_cast<EGLint>(plane.modifier & 0xffffffffu),
        EGL_DMA_BUF_PLANE0_MODIFIER_HI_EXT,
        static_cast<EGLint>(plane.modifier >> 32),
        EGL_NONE,
    };
    EGLImageKHR raw =
        create_image_(display_, EGL_NO_CONTEXT, EGL_LINUX_DMA_BUF_EXT, nullptr, attributes);
    if (raw == EGL_NO_IMAGE_KHR) {
        throw_egl_error("eglCreateImageKHR(EGL_LINUX_DMA_BUF_EXT)", "for " + describe(plane));
    }
    const EglImage image(display_, raw, destroy_image_);
    GlTexture texture = GlTexture::generate();
    glBindTexture(GL_TEXTURE_2D, texture.get());
    image_target_texture_(GL_TEXTURE_2D, image.get());
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    check_gl_error("glEGLImageTargetTexture2DOES for " + describe(plane));
    c = Cached{plane.buffer, plane.fourcc, plane.modifier, plane.width,
               plane.height, plane.stride, plane.offset,   std::move(texture)};
    return c.texture.get();
}

}  // namespace fbx::gl
