package dev.alchemist.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where PostgreSQL is installed and which OS user runs it, for {@link PrivatePostgres}: as root the
 * server's tools run as {@value #OS_USER} (PostgreSQL refuses to run as root) and its files are
 * given to that user.
 */
final class PostgresInstall {
  static final String OS_USER = "postgres";

  private PostgresInstall() {}

  static List<String> asOsUser(List<String> command) {
    if (!"root".equals(System.getProperty("user.name"))) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", OS_USER, "--"));
    wrapped.addAll(command);
    return wrapped;
  }

  static void giveToOsUser(Path path) {
    if (!"root".equals(System.getProperty("user.name"))) {
      return;
    }
    try {
      UserPrincipal owner =
          path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(OS_USER);
      Files.setOwner(path, owner);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot give " + path + " to the " + OS_USER + " user (is PostgreSQL installed?)", e);
    }
  }

  static Path findBin() {
    Path root = Path.of("/usr/lib/postgresql");
    @Nullable Path best = null;
    int bestVersion = -1;
    File[] versions = root.toFile().listFiles();
    if (versions != null) {
      for (File version : versions) {
        Path candidate = version.toPath().resolve("bin");
        if (!Files.isExecutable(candidate.resolve("initdb"))) {
          continue;
        }
        try {
          int v = Integer.parseInt(version.getName());
          if (v > bestVersion) {
            bestVersion = v;
            best = candidate;
          }
        } catch (NumberFormatException e) {
          // not a version directory
        }
      }
    }
    if (best == null) {
      throw new IllegalStateException(
          "initdb is not installed: not found in "
              + root
              + "/<version>/bin; install it (Debian/Ubuntu: sudo apt-get install -y postgresql, or"
              + " run "
              + TestServices.SCRIPT
              + " as root)");
    }
    return best;
  }
}
