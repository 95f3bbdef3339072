package dev.modelfn.terraform;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code examples/complete} applied once per release strategy against the mocked AWS provider
 * ({@code tests/parity.tftest.hcl}, {@code terraform test -json -verbose}), its resulting states
 * kept for the parity and security tests of this run.
 */
final class CompleteExample {
  static final Path DIR = Path.of("examples/complete");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Map<String, List<Resource>> states;

  private CompleteExample() {}

  /** One resource of a state: its module's address, type, and values. */
  record Resource(String module, String address, String type, JsonNode values) {}

  /** The resources of each run block (canary, weighted, shadow, bluegreen, none), applied once per JVM. */
  static synchronized Map<String, List<Resource>> states() {
    if (states == null) {
      states = apply(DIR, "tests/parity.tftest.hcl");
    }
    return states;
  }

  /**
   * Runs one test file of {@code dir} against the mocked provider with {@code -json -verbose} and
   * returns the resources of each run block's resulting state.
   */
  static Map<String, List<Resource>> apply(Path dir, String testFile) {
    Terraform.init(dir);
    Path out = Terraform.workDir().resolve(dir.toString().replace('/', '_') + "-states.jsonl");
    try {
      Files.createDirectories(out.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long start = System.nanoTime();
    Terraform.Result r = Terraform.run(dir, 600, out, "test", "-json", "-verbose", "-no-color", "-filter=" + testFile);
    Map<String, List<Resource>> byRun = new LinkedHashMap<>();
    List<String> failed = new ArrayList<>();
    read(out, byRun, failed);
    System.out.printf("[modelfn-terraform] %s/%s: %d mocked runs in %d ms%n", dir, testFile, byRun.size(),
        (System.nanoTime() - start) / 1_000_000);
    if (r.exitCode() != 0 || !failed.isEmpty()) {
      throw new AssertionError("terraform test " + testFile + " in " + dir + " failed (exit " + r.exitCode() + "):\n"
          + String.join("\n", failed) + "\n" + r.stderr());
    }
    return byRun;
  }

  /** Reads the JSON lines: states of the runs, and the diagnostics and failed runs. */
  private static void read(Path file, Map<String, List<Resource>> byRun, List<String> failed) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        if (line.contains("\"type\":\"test_state\"")) {
          String run = null;
          JsonNode root = null;
          // The line carries the provider's whole schema too (~14 MB): read only what is needed.
          try (JsonParser p = JSON.getFactory().createParser(line)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String f = p.currentName();
              p.nextToken();
              if (f.equals("@testrun")) {
                run = p.getText();
              } else if (f.equals("test_state")) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                  String g = p.currentName();
                  p.nextToken();
                  if (g.equals("root_module")) {
                    root = JSON.readTree(p);
                  } else {
                    p.skipChildren();
                  }
                }
              } else {
                p.skipChildren();
              }
            }
          }
          List<Resource> resources = new ArrayList<>();
          collect(root, "", resources);
          byRun.put(run, resources);
        } else {
          JsonNode n = JSON.readTree(line);
          String level = n.path("@level").asText();
          if (level.equals("error") || n.path("test_run").path("status").asText().matches("fail|error")) {
            failed.add(n.path("@testrun").asText("") + ": " + n.path("@message").asText()
                + (n.has("diagnostic") ? " " + n.path("diagnostic").path("detail").asText() : ""));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void collect(JsonNode module, String address, List<Resource> into) {
    if (module == null) {
      return;
    }
    for (JsonNode r : module.path("resources")) {
      if (r.path("mode").asText().equals("managed")) {
        into.add(new Resource(address, r.path("address").asText(), r.path("type").asText(), r.path("values")));
      }
    }
    for (JsonNode c : module.path("child_modules")) {
      collect(c, c.path("address").asText(), into);
    }
  }

  /** The modelfn functions of a run's state, by part (function name without the deployment's prefix). */
  static Map<String, FunctionShape> functions(List<Resource> state, String namePrefix) {
    Map<String, FunctionShape> out = new TreeMap<>();
    for (Resource fn : state) {
      if (!fn.type().equals("aws_lambda_function")) {
        continue;
      }
      JsonNode v = fn.values();
      String name = v.path("function_name").asText();
      String key = name.startsWith(namePrefix) ? name.substring(namePrefix.length()) : name;

      TreeMap<String, String> env = new TreeMap<>();
      v.path("environment").path(0).path("variables").fields()
          .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));

      TreeSet<String> actions = new TreeSet<>();
      TreeSet<String> managed = new TreeSet<>();
      for (Resource r : state) {
        if (!r.module().equals(fn.module())) {
          continue;
        }
        if (r.type().equals("aws_iam_role_policy")) {
          CdkTemplates.collectActions(parse(r.values().path("policy").asText()), actions);
        } else if (r.type().equals("aws_iam_role_policy_attachment")) {
          managed.add(r.values().path("policy_arn").asText());
        }
      }

      TreeSet<String> aliases = new TreeSet<>();
      for (Resource r : state) {
        if (r.type().equals("aws_lambda_alias") && r.values().path("function_name").asText().equals(name)) {
          aliases.add(r.values().path("name").asText());
        }
      }

      // A mapping belongs to the one function defined below the module that defines the mapping.
      List<FunctionShape.EventSource> sources = new ArrayList<>();
      for (Resource r : state) {
        if (!r.type().equals("aws_lambda_event_source_mapping")) {
          continue;
        }
        List<Resource> below = state.stream().filter(x -> x.type().equals("aws_lambda_function")
            && x.module().startsWith(r.module() + ".module.")).toList();
        if (below.size() != 1 || below.get(0) != fn) {
          continue;
        }
        JsonNode m = r.values();
        String kind = m.path("event_source_arn").asText().contains(":kinesis:") ? "kinesis" : "sqs";
        JsonNode onFailure = m.path("destination_config").path(0).path("on_failure").path(0).path("destination_arn");
        sources.add(CdkTemplates.eventSource(kind, intOrNull(m, "batch_size"),
            intOrNull(m, "maximum_batching_window_in_seconds"),
            m.path("bisect_batch_on_function_error").isBoolean() ? m.get("bisect_batch_on_function_error").asBoolean()
                : Boolean.FALSE,
            intOrNull(m, "maximum_retry_attempts"), intOrNull(m, "maximum_record_age_in_seconds"),
            intOrNull(m, "parallelization_factor"), m.path("starting_position").asText(null),
            CdkTemplates.texts(m.path("function_response_types")), onFailure.isTextual() && !onFailure.asText().isEmpty()));
      }
      sources.sort(null);

      int reserved = v.path("reserved_concurrent_executions").asInt(-1);
      String snap = v.path("snap_start").path(0).path("apply_on").asText("");
      out.put(key, new FunctionShape(key, fn.address(), v.path("handler").asText(), v.path("runtime").asText(),
          CdkTemplates.texts(v.path("architectures")), v.path("memory_size").asInt(), v.path("timeout").asInt(),
          snap.equals("PublishedVersions"), reserved < 0 ? null : reserved, env, actions, managed, aliases, sources));
    }
    return out;
  }

  /** The alarms of a state, as {@link CdkTemplates#alarms} writes them. */
  static List<String> alarms(List<Resource> state) {
    List<String> out = new ArrayList<>();
    for (Resource r : state) {
      if (r.type().equals("aws_cloudwatch_metric_alarm")) {
        JsonNode v = r.values();
        String ext = v.path("extended_statistic").asText("");
        int periods = v.path("evaluation_periods").asInt();
        out.add(CdkTemplates.alarm(v.path("namespace").asText(), v.path("metric_name").asText(),
            ext.isEmpty() ? v.path("statistic").asText() : ext, v.path("comparison_operator").asText(),
            v.path("threshold").asDouble(), periods, v.path("datapoints_to_alarm").isNumber()
                ? v.path("datapoints_to_alarm").asInt() : periods, v.path("period").asInt(),
            v.path("treat_missing_data").asText("missing")));
      }
    }
    return out;
  }

  /** The queues of a state, as {@link CdkTemplates#queues} writes them. */
  static List<String> queues(List<Resource> state) {
    List<String> out = new ArrayList<>();
    for (Resource r : state) {
      if (r.type().equals("aws_sqs_queue")) {
        JsonNode v = r.values();
        // Unset, the mocked provider fills the computed redrive policy with a made-up word, not JSON.
        String redrive = v.path("redrive_policy").asText("");
        out.add(CdkTemplates.queue(v.path("message_retention_seconds").asInt(), v.path("visibility_timeout_seconds").asInt(),
            redrive.startsWith("{") ? parse(redrive).path("maxReceiveCount").asInt() : 0,
            v.path("sqs_managed_sse_enabled").asBoolean() || !v.path("kms_master_key_id").asText("").isEmpty()));
      }
    }
    return out;
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + json, e);
    }
  }

  private static Integer intOrNull(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isNumber() ? Integer.valueOf(v.asInt()) : null;
  }
}
