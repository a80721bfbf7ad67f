/** The service-provider interface through which drivers are discovered and opened. */
package org.unionfs.api.spi;
