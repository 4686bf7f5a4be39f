/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few types the pure-logic files need
 *
 * plane_logic.c and regs_logic.c are compiled both into the module and
 * into host unit tests. This header is the only thing that differs
 * between the two builds, so those files never include kernel headers.
 */
#ifndef VGPU_SHIM_H
#define VGPU_SHIM_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef int32_t s32;
typedef uint64_t u64;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#endif /* VGPU_SHIM_H */
