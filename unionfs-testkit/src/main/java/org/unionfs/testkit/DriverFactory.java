package org.unionfs.testkit;

import java.io.IOException;
import java.nio.file.Path;
import org.unionfs.api.GraphDriver;

/** Opens the driver under test on a home directory (which may not exist yet). */
@FunctionalInterface
public interface DriverFactory {
  GraphDriver open(Path home) throws IOException;
}
