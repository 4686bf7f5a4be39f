// The VFIO cdev and iommufd UAPI (Linux 6.6+), for builds against older
// kernel headers (Debian 12's are 6.1): the definitions below are those of
// include/uapi/linux/vfio.h and iommufd.h, which the kernel keeps stable.
#pragma once

#include <linux/types.h>
#include <linux/vfio.h>
#include <sys/ioctl.h>

#ifndef VFIO_DEVICE_BIND_IOMMUFD
struct vfio_device_bind_iommufd {
    __u32 argsz;
    __u32 flags;
    __s32 iommufd;
    __u32 out_devid;
};
#define VFIO_DEVICE_BIND_IOMMUFD _IO(VFIO_TYPE, VFIO_BASE + 18)

struct vfio_device_attach_iommufd_pt {
    __u32 argsz;
    __u32 flags;
    __u32 pt_id;
};
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 19)
#endif

#if __has_include(<linux/iommufd.h>)
#include <linux/iommufd.h>
#endif
#ifndef IOMMU_IOAS_ALLOC
struct iommu_ioas_alloc {
    __u32 size;
    __u32 flags;
    __u32 out_ioas_id;
};
#define IOMMU_IOAS_ALLOC _IO(';', 0x81)
#endif
