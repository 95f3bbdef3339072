package dev.modelfn.local.lambda;

import dev.modelfn.local.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Turns a deployment package into a task root ({@code /var/task} on Lambda). A zip is unpacked once
 * per content hash into the cache folder, so restarts reuse it and the natives inside load from a
 * fixed path; a folder is used as it is.
 */
public final class DeploymentPackage {
  private DeploymentPackage() {}

  public static Path taskRoot(Path code, Path cacheDir) {
    if (Files.isDirectory(code)) {
      return code.toAbsolutePath();
    }
    if (!Files.isRegularFile(code)) {
      throw new IllegalArgumentException("deployment package " + code + " does not exist; build it with"
          + " ./mvnw -pl functions/aws-lambda -am package -DskipTests");
    }
    try {
      String name = code.getFileName().toString().replaceFirst("\\.zip$", "");
      Path root = cacheDir.resolve("functions").resolve(name + "-" + sha256(code).substring(0, 16));
      if (Files.isDirectory(root)) {
        return root;
      }
      Files.createDirectories(root.getParent());
      Path tmp = Files.createTempDirectory(root.getParent(), name + ".unpacking-");
      unzip(code, tmp);
      try {
        Files.move(tmp, root, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        FileTrees.deleteTree(tmp); // another process unpacked the same package first
      } catch (IOException e) {
        if (!Files.isDirectory(root)) {
          throw e;
        }
        FileTrees.deleteTree(tmp);
      }
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack " + code + " into " + cacheDir + ": " + e.getMessage(), e);
    }
  }

  private static void unzip(Path zip, Path into) throws IOException {
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        Path target = into.resolve(e.getName()).normalize();
        if (!target.startsWith(into)) {
          throw new IOException("zip entry " + e.getName() + " points outside the package");
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
