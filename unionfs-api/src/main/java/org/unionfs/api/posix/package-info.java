/**
 * Linux system calls the JDK lacks (xattrs of every namespace, mknod, lstat with inode numbers, statfs,
 * reflink, mount), bound with jnr-ffi. Linux only; x86_64 and aarch64 {@code struct stat} layouts.
 */
package org.unionfs.api.posix;
