#pragma once

#include <EGL/egl.h>
#include <EGL/eglext.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "egl_display.hpp"
#include "fbexport/plane.hpp"
#include "gl_handle.hpp"

namespace fbx::gl {

// Zero-copy input: a plane's dma-buf imported as an EGLImage and bound to a
// texture (EGL_EXT_image_dma_buf_import_modifiers + GL_OES_EGL_image), so
// the GPU reads and detiles the guest's buffer itself. Used only where the
// driver lists the plane's format and modifier as importable into a
// GL_TEXTURE_2D (not external-only), and only for real dma-bufs: memfd
// buffers (the demo source) are uploaded instead.
class DmabufImporter {
public:
    // Never throws: without the extensions, available() is false.
    explicit DmabufImporter(const EglDisplay& display);

    bool available() const { return available_; }
    // "EGL_EXT_image_dma_buf_import_modifiers" or why import is off.
    const std::string& status() const { return status_; }

    // Whether this plane can be imported: a dma-buf fd, and a format and
    // modifier the driver offers for GL_TEXTURE_2D.
    bool can_import(const Plane& plane);

    // A texture showing the plane's buffer, cached while the same buffer
    // and geometry come back (the dmabuf_id stays the same). Throws
    // fbx::Error naming the EGL call, its error and the plane.
    GLuint texture(const Plane& plane);

private:
    bool supports(std::uint32_t fourcc, std::uint64_t modifier);

    struct Cached {
        std::weak_ptr<const Buffer> buffer;
        std::uint32_t fourcc = 0;
        std::uint64_t modifier = 0;
        std::uint32_t width = 0, height = 0, stride = 0;
        std::uint64_t offset = 0;
        GlTexture texture;
    };

    EGLDisplay display_;
    bool available_ = false;
    std::string status_;
    PFNEGLCREATEIMAGEKHRPROC create_image_ = nullptr;
    PFNEGLDESTROYIMAGEKHRPROC destroy_image_ = nullptr;
    PFNEGLQUERYDMABUFMODIFIERSEXTPROC query_modifiers_ = nullptr;
    void (*image_target_texture_)(GLenum, void*) = nullptr;  // glEGLImageTargetTexture2DOES
    // Per fourcc: (modifier, external_only) the driver lists.
    std::map<std::uint32_t, std::vector<std::pair<std::uint64_t, bool>>> modifiers_;
    Cached cached_;
};

// Whether `fd` is a dma-buf (its file system is the dma-buf one), as opposed
// to a memfd or a regular file, which no EGL driver imports.
bool is_dmabuf(int fd);

}  // namespace fbx::gl
