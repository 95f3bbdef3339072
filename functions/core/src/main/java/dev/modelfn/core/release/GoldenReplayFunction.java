package dev.modelfn.core.release;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Replays golden requests against a function version and compares each answer with the expected
 * one: the pre-traffic check of a canary release and the pre-switch check of a blue-green one.
 *
 * <p>A golden case is a pair of files, {@code <case>.json} (the HTTP event as API Gateway sends it)
 * and {@code <case>.expected.json} (the response event, with a JSON body parsed, as in {@code
 * events/http/}). Status, headers and body must match; numbers may differ by the tolerance (float
 * results differ in the last bits between CPUs); the model version, a label the deployment may set,
 * is not compared.
 */
public final class GoldenReplayFunction {
  /** Invokes the version under test with one event and returns its response event. */
  @FunctionalInterface
  public interface Invoker {
    byte[] invoke(byte[] event) throws Exception;
  }

  /** One golden request and its expected response. */
  public record GoldenCase(String name, byte[] event, JsonNode expected) {}


  /** The outcome of one replay. */
  public record Report(int cases, List<ResponseDiff.Mismatch> mismatches) {
    public Report {
      mismatches = List.copyOf(mismatches);
    }

    public boolean passed() {
      return cases > 0 && mismatches.isEmpty();
    }

    /** One line for logs and for the deployment's status. */
    public String summary() {
      if (cases == 0) {
        return "no golden requests found";
      }
      long failed = mismatches.stream().map(ResponseDiff.Mismatch::caseName).distinct().count();
      return mismatches.isEmpty() ? cases + " golden requests answered as expected"
          : failed + " of " + cases + " golden requests answered differently (" + mismatches.size()
              + " differences); first: " + mismatches.get(0);
    }
  }

  private final ResponseDiff diff;

  public GoldenReplayFunction(double tolerance) {
    this.diff = new ResponseDiff(tolerance);
  }

  /** Every case in {@code dir}, by name; a {@code .json} without its {@code .expected.json} is an error. */
  public static List<GoldenCase> load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("golden requests: no folder " + dir);
    }
    List<GoldenCase> cases = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path event : files.filter(p -> p.toString().endsWith(".json") && !p.toString().endsWith(".expected.json"))
          .sorted().toList()) {
        String name = event.getFileName().toString().replace(".json", "");
        Path expected = dir.resolve(name + ".expected.json");
        if (!Files.exists(expected)) {
          throw new IllegalArgumentException("golden request " + event + " has no " + expected.getFileName());
        }
        cases.add(new GoldenCase(name, Files.readAllBytes(event), Json.mapper().readTree(expected.toFile())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("golden requests: cannot read " + dir, e);
    }
    return cases;
  }

  /** Sends every case and compares; an invocation that fails is a mismatch of the whole answer. */
  public Report replay(List<GoldenCase> cases, Invoker invoker) {
    List<ResponseDiff.Mismatch> mismatches = new ArrayList<>();
    for (GoldenCase c : cases) {
      JsonNode actual;
      try {
        actual = ResponseDiff.readable(Json.mapper().readTree(invoker.invoke(c.event())));
      } catch (Exception e) {
        mismatches.add(new ResponseDiff.Mismatch(c.name(), "", "a response event", "failure: " + e.getMessage()));
        continue;
      }
      mismatches.addAll(diff.compare(c.name(), c.expected(), actual));
    }
    return new Report(cases.size(), mismatches);
  }
}
