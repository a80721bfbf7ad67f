/** Building blocks for drivers (locks, reference counts, atomic writes); not a stable API. */
package org.unionfs.api.internal;
