package dev.modelfn.edge.quantize;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rows of fp32 features (calibration and hold-out sets), with labels when the file has them. Read
 * from a CSV (numbers; a header line is optional, and a column named {@code label} holds the
 * labels) or a NumPy {@code .npy} file (a 2-D float32 or float64 array in C order).
 */
public record Rows(float[][] features, int[] labels, String source) {

  public int size() {
    return features.length;
  }

  public static Rows read(Path file) throws IOException {
    String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    return n.endsWith(".npy") ? npy(file) : csv(file);
  }

  /** Standard-normal rows from a seed: a synthetic set for models that have no data at hand. */
  public static Rows synthetic(int rows, int width, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[][] x = new float[rows][width];
    for (float[] r : x) {
      for (int i = 0; i < width; i++) {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        r[i] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
      }
    }
    return new Rows(x, null, "synthetic standard-normal rows (seed " + seed + ")");
  }

  private static Rows csv(Path file) throws IOException {
    List<float[]> rows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    int labelCol = -1;
    int lineNo = 0;
    for (String line : Files.readAllLines(file)) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String[] cells = line.split(",", -1);
      if (rows.isEmpty() && lineNo == 1 && !cells[0].trim().matches("[-+0-9.eE]+")) {
        for (int i = 0; i < cells.length; i++) {
          if (cells[i].trim().equalsIgnoreCase("label")) {
            labelCol = i;
          }
        }
        continue;
      }
      float[] r = new float[cells.length - (labelCol >= 0 ? 1 : 0)];
      int k = 0;
      for (int i = 0; i < cells.length; i++) {
        try {
          if (i == labelCol) {
            labels.add((int) Double.parseDouble(cells[i].trim()));
          } else {
            r[k++] = Float.parseFloat(cells[i].trim());
          }
        } catch (NumberFormatException e) {
          throw new IOException(file + " line " + lineNo + " column " + (i + 1) + ": '" + cells[i]
              + "' is not a number");
        }
      }
      if (!rows.isEmpty() && r.length != rows.get(0).length) {
        throw new IOException(file + " line " + lineNo + ": " + r.length + " features, the first row has "
            + rows.get(0).length);
      }
      rows.add(r);
    }
    int[] l = labelCol < 0 ? null : labels.stream().mapToInt(Integer::intValue).toArray();
    return new Rows(rows.toArray(new float[0][]), l, file.toString());
  }

  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=]?)(f4|f8)'");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\((\\d+)\\s*,\\s*(\\d+)\\s*,?\\s*\\)");

  private static Rows npy(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    if (b.length < 10 || b[0] != (byte) 0x93 || b[1] != 'N' || b[2] != 'U') {
      throw new IOException(file + ": not a .npy file");
    }
    int major = b[6];
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int headerLen = major == 1 ? Short.toUnsignedInt(bb.getShort(8)) : bb.getInt(8);
    int offset = (major == 1 ? 10 : 12) + headerLen;
    String header = new String(b, major == 1 ? 10 : 12, headerLen, java.nio.charset.StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !s.find() || header.contains("'fortran_order': True") || d.group(1).equals(">")) {
      throw new IOException(file + ": expected a 2-D little-endian float32/float64 array in C order, header "
          + header.trim());
    }
    int rows = Integer.parseInt(s.group(1));
    int cols = Integer.parseInt(s.group(2));
    boolean f8 = d.group(2).equals("f8");
    float[][] x = new float[rows][cols];
    bb.position(offset);
    for (float[] r : x) {
      for (int i = 0; i < cols; i++) {
        r[i] = f8 ? (float) bb.getDouble() : bb.getFloat();
      }
    }
    return new Rows(x, null, file.toString());
  }
}
