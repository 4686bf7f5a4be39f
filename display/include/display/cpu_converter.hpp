#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include "display/converter.hpp"
#include "display/damage_region.hpp"
#include "display/shadow_framebuffer.hpp"
#include "fbexport/plane.hpp"
#include "fbexport/rect.hpp"

namespace fbx {

class WorkerPool;

// The fast CPU path: detiles (linear, Intel X, Intel Y) tile by tile straight
// into the shadow framebuffer, converts every supported format with SSE2/AVX2
// row kernels, splits large damage over worker threads, and touches nothing
// outside the damage. Same results as ReferenceConverter, byte for byte in
// the colour channels.
class CpuConverter final : public Converter {
public:
    // `threads`: how many cores a large damage may use, the caller's included
    // (0: all the machine has, up to 8). Small damage always stays on the
    // calling thread.
    explicit CpuConverter(std::size_t threads = 0);
    CpuConverter(CpuConverter&&) noexcept;
    CpuConverter& operator=(CpuConverter&&) noexcept;
    ~CpuConverter() override;

    // As ReferenceConverter::convert: only inside `damage` clipped to the plane
    // and `out`; the X byte is undefined. Throws fbx::Error naming the plane
    // for anything it cannot read, before reading anything.
    void convert(const Plane& plane, const DamageRegion& damage, ShadowFramebuffer& out) override;
    using Converter::convert;  // the std::span<const Rect> overload

    // "cpu (avx2, 4 threads)": the instruction set the kernels use and the threads.
    std::string describe() const override;

    std::size_t threads() const;

private:
    std::unique_ptr<WorkerPool> pool_;  // null when one thread is all there is
};

}  // namespace fbx
