#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace fbx {

// Owned bytes aligned to a cache line, so rows start where vector loads and
// stores are cheapest. Growing discards the contents; the pointer stays put
// until the next growth.
class AlignedBuffer {
public:
    static constexpr std::size_t alignment = 64;

    AlignedBuffer() = default;
    explicit AlignedBuffer(std::size_t size) { reserve_discarding(size); }
    AlignedBuffer(AlignedBuffer&& other) noexcept
        : storage_(std::move(other.storage_)), size_(std::exchange(other.size_, 0)) {}
    AlignedBuffer& operator=(AlignedBuffer&& other) noexcept {
        storage_ = std::move(other.storage_);
        size_ = std::exchange(other.size_, 0);
        return *this;
    }
    AlignedBuffer(const AlignedBuffer&) = delete;
    AlignedBuffer& operator=(const AlignedBuffer&) = delete;

    std::byte* data() { return storage_.get(); }
    const std::byte* data() const { return storage_.get(); }
    std::size_t size() const { return size_; }

    // Makes room for at least `size` bytes; old contents are not kept.
    void reserve_discarding(std::size_t size) {
        if (size <= size_) {
            return;
        }
        // Free first: the old bytes are not needed, and a large display should
        // not need twice its size for a moment.
        storage_.reset();
        size_ = 0;
        storage_.reset(static_cast<std::byte*>(::operator new (size, std::align_val_t{alignment})));
        size_ = size;
    }

    void release() {
        storage_.reset();
        size_ = 0;
    }

private:
    struct AlignedDelete {
        void operator()(std::byte* p) const { ::operator delete (p, std::align_val_t{alignment}); }
    };

    std::unique_ptr<std::byte, AlignedDelete> storage_;
    std::size_t size_ = 0;
};

}  // namespace fbx
