/**
 * The layer-tar engine: OCI/Docker layer tars applied to and produced from layer directories
 * ({@link org.unionfs.api.layer.LayerTar}), with the whiteout format of the driver
 * ({@link org.unionfs.api.layer.WhiteoutFormat}).
 */
package org.unionfs.api.layer;
