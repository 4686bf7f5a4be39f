#include "word_texture.hpp"

#include <algorithm>
#include <cstring>

#include "egl_error.hpp"
#include "fbexport/error.hpp"

namespace fbx::gl {

WordTexture::WordTexture() {
    GLint max_size = 0;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_size);
    if (max_size < 2048) {  // GLES 3.0 guarantees 2048
        throw Error("GL_MAX_TEXTURE_SIZE is only " + std::to_string(max_size));
    }
    // 4096 words (16 KiB) per texel row: few rows per frame, and a power of
    // two so the shader splits an index with a mask and a shift.
    row_shift_ = max_size >= 4096 ? 12 : 11;
    max_rows_ = static_cast<std::uint32_t>(max_size);
    tail_.resize(std::size_t{1} << row_shift_);
}

std::uint64_t WordTexture::capacity_bytes() const {
    // Whole rows, less one: an unaligned start can spill a range onto one more row.
    return (std::uint64_t{max_rows_} - 1) << (row_shift_ + 2);
}

void WordTexture::ensure_rows(std::uint32_t rows) {
    if (rows <= rows_ && texture_) {
        return;
    }
    // Immutable storage can only be replaced; grow in steps so a growing
    // damage does not reallocate every frame.
    const std::uint32_t want = std::min(max_rows_, std::max(rows, rows_ + rows_ / 2));
    texture_ = GlTexture::generate();
    glBindTexture(GL_TEXTURE_2D, texture_.get());
    glTexStorage2D(GL_TEXTURE_2D, 1, GL_R32UI, GLsizei{1} << row_shift_,
                   static_cast<GLsizei>(want));
    // Integer textures cannot be filtered; texelFetch ignores these, but a
    // texture is only "complete" with NEAREST filters.
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    check_gl_error("glTexStorage2D of a " + std::to_string(want) + "-row R32UI texture");
    rows_ = want;
}

std::uint64_t WordTexture::upload(const std::uint8_t* buffer, std::uint64_t buffer_size,
                                  std::uint64_t begin, std::uint64_t end) {
    const std::uint64_t start = begin & ~std::uint64_t{3};
    const std::uint64_t row_bytes = std::uint64_t{4} << row_shift_;
    if (end > buffer_size || end <= begin || end - start > capacity_bytes()) {
        throw Error("bad GL upload range [" + std::to_string(begin) + ", " + std::to_string(end) +
                    ") of a " + std::to_string(buffer_size) + "-byte buffer");
    }
    const std::uint64_t full_rows = (end - start) / row_bytes;
    const std::uint64_t tail_bytes = (end - start) % row_bytes;
    ensure_rows(static_cast<std::uint32_t>(full_rows + (tail_bytes ? 1 : 0)));

    glBindTexture(GL_TEXTURE_2D, texture_.get());
    glBindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    const auto width = GLsizei{1} << row_shift_;
    if (full_rows > 0) {
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width, static_cast<GLsizei>(full_rows),
                        GL_RED_INTEGER, GL_UNSIGNED_INT, buffer + start);
    }
    if (tail_bytes > 0) {
        // Copied, so neither GL nor we read past `end` (the buffer may end there).
        std::fill(tail_.begin(), tail_.end(), 0u);
        std::memcpy(tail_.data(), buffer + start + full_rows * row_bytes, tail_bytes);
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, static_cast<GLint>(full_rows), width, 1,
                        GL_RED_INTEGER, GL_UNSIGNED_INT, tail_.data());
    }
    check_gl_error("glTexSubImage2D of " + std::to_string(end - start) + " bytes");
    return start;
}

}  // namespace fbx::gl
