#pragma once

#include <cstdint>
#include <vector>

#include "gl_handle.hpp"

namespace fbx::gl {

// Raw surface bytes on the GPU for the shader to detile: an R32UI texture,
// 2^row_shift words per texel row, that a contiguous byte range of a
// buffer is uploaded into. Integer texels keep the bytes exact (no
// filtering, no normalisation), whatever format they hold.
class WordTexture {
public:
    // Needs a current context; sizes itself from GL_MAX_TEXTURE_SIZE.
    WordTexture();

    // Bytes one upload can hold.
    std::uint64_t capacity_bytes() const;
    std::uint32_t row_shift() const { return row_shift_; }
    GLuint texture() const { return texture_.get(); }

    // Uploads buffer bytes [begin, end) of `buffer` (`buffer_size` bytes,
    // mapped) from the 4-byte boundary at or below `begin`, which it
    // returns; the byte at `begin + k` is then word (begin - returned + k) / 4.
    // Never reads past `end` or the buffer.
    std::uint64_t upload(const std::uint8_t* buffer, std::uint64_t buffer_size, std::uint64_t begin,
                         std::uint64_t end);

private:
    void ensure_rows(std::uint32_t rows);

    std::uint32_t row_shift_ = 0;
    std::uint32_t max_rows_ = 0;
    std::uint32_t rows_ = 0;  // allocated
    GlTexture texture_;
    std::vector<std::uint32_t> tail_;  // the last, partial texel row, zero-padded
};

}  // namespace fbx::gl
