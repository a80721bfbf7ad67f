/** The closed set of typed graphdriver errors. */
package org.unionfs.api.error;
