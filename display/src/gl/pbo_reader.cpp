#include "pbo_reader.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "egl_error.hpp"
#include "fbexport/error.hpp"

namespace fbx::gl {
namespace {

// Bytes per chunk: large enough that a chunk's fixed costs (a map, a
// sync) vanish, small enough that two chunks pipeline on a 4K frame.
constexpr std::size_t chunk_bytes = 4 * 1024 * 1024;

struct Piece {
    Rect rect;
    std::size_t offset;  // in the chunk's PBO
};

struct Chunk {
    std::vector<Piece> pieces;
    std::size_t bytes = 0;
};

std::vector<Chunk> split(std::span<const Rect> rects) {
    std::vector<Chunk> chunks(1);
    for (const Rect& r : rects) {
        if (r.empty()) {
            continue;
        }
        const std::size_t row = std::size_t(r.width) * 4;
        const auto rows_per_slice =
            static_cast<std::int32_t>(std::max<std::size_t>(1, chunk_bytes / row));
        for (std::int32_t y = r.y; y < r.bottom(); y += rows_per_slice) {
            const Rect slice{r.x, y, r.width, std::min(rows_per_slice, r.bottom() - y)};
            const std::size_t bytes = row * std::size_t(slice.height);
            if (chunks.back().bytes > 0 && chunks.back().bytes + bytes > chunk_bytes) {
                chunks.emplace_back();
            }
            chunks.back().pieces.push_back({slice, chunks.back().bytes});
            chunks.back().bytes += bytes;
        }
    }
    if (chunks.back().bytes == 0) {
        chunks.pop_back();
    }
    return chunks;
}

}  // namespace

GlBuffer& PboReader::prepared(Slot& slot, std::size_t bytes) {
    if (!slot.buffer) {
        slot.buffer = GlBuffer::generate();
    }
    glBindBuffer(GL_PIXEL_PACK_BUFFER, slot.buffer.get());
    if (bytes > slot.capacity) {
        glBufferData(GL_PIXEL_PACK_BUFFER, static_cast<GLsizeiptr>(bytes), nullptr, GL_STREAM_READ);
        slot.capacity = bytes;
    }
    return slot.buffer;
}

void PboReader::read(std::span<const Rect> rects, const Take& take) {
    const std::vector<Chunk> chunks = split(rects);
    glPixelStorei(GL_PACK_ALIGNMENT, 4);
    glPixelStorei(GL_PACK_ROW_LENGTH, 0);
    const auto issue = [&](std::size_t i) {
        prepared(slots_[i % 2], chunks[i].bytes);
        for (const Piece& p : chunks[i].pieces) {
            glReadPixels(p.rect.x, p.rect.y, p.rect.width, p.rect.height, GL_RGBA, GL_UNSIGNED_BYTE,
                         reinterpret_cast<void*>(p.offset));
        }
    };
    if (!chunks.empty()) {
        issue(0);
    }
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        if (i + 1 < chunks.size()) {
            issue(i + 1);  // queued before we wait on chunk i
        }
        glBindBuffer(GL_PIXEL_PACK_BUFFER, slots_[i % 2].buffer.get());
        const void* mapped = glMapBufferRange(
            GL_PIXEL_PACK_BUFFER, 0, static_cast<GLsizeiptr>(chunks[i].bytes), GL_MAP_READ_BIT);
        if (mapped == nullptr) {
            check_gl_error("glMapBufferRange of a " + std::to_string(chunks[i].bytes) +
                           "-byte pixel-pack buffer");
            throw Error("glMapBufferRange of a pixel-pack buffer returned nothing");
        }
        for (const Piece& p : chunks[i].pieces) {
            take(p.rect, static_cast<const std::uint8_t*>(mapped) + p.offset);
        }
        glUnmapBuffer(GL_PIXEL_PACK_BUFFER);
    }
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    check_gl_error("glReadPixels into pixel-pack buffers");
}

}  // namespace fbx::gl
