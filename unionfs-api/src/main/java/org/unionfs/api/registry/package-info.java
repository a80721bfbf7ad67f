/** Discovery of drivers through ServiceLoader and the choice of a default driver. */
package org.unionfs.api.registry;
