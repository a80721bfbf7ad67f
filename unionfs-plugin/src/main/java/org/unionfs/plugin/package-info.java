/**
 * Serves a unionfs graphdriver to dockerd through Docker's legacy graphdriver plugin protocol.
 *
 * <p>dockerd ({@code --experimental --storage-driver unionfs-vfs}) finds the plugin by its socket
 * {@code /run/docker/plugins/<name>.sock} (or a spec file {@code /etc/docker/plugins/<name>.spec} holding
 * {@code tcp://host:port}), activates it with {@code POST /Plugin.Activate}, then drives the layer store
 * with {@code POST /GraphDriver.<Method>} calls whose JSON bodies {@link org.unionfs.plugin.WireFormat}
 * describes. The server is Jetty (its unix-domain connector); every request runs on its own thread, so
 * the driver's own locking and Get/Put reference counting apply unchanged.
 *
 * <pre>
 *   PluginServer            start/stop, socket or spec file, SIGTERM hook; main(String[])
 *   PluginServerConfig      what to serve and where (parsed from --driver/--home/--name/--socket/--tcp/-o)
 *   PluginHandler           Jetty handler: method routing, bodies in and out, error replies
 *   DriverSession           the driver opened at GraphDriver.Init; remembered in a state file so a
 *                           restarted server resumes under a running dockerd
 *   DockerReferences        dockerd's Get references, kept beside the state file; a resumed server
 *                           takes them again (mounts back at the same paths) so earlier Gets' Puts work
 *   WireFormat              the request and response bodies, field for field as moby's proxy.go
 * </pre>
 */
package org.unionfs.plugin;
