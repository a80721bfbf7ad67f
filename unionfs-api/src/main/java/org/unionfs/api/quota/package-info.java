/**
 * Per-directory size limits with XFS project quotas ({@link org.unionfs.api.quota.ProjectQuota}), shared by
 * the drivers that honour the {@code size} storage option. Linux only; needs CAP_SYS_ADMIN to set limits.
 */
package org.unionfs.api.quota;
