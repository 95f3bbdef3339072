package dev.modelfn.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelfn.cdk.ModelfnStack;
import dev.modelfn.cdk.StackSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;

/**
 * The CDK app's stack ({@link ModelfnStack}, every mode) synthesized in-process for one release
 * strategy, and its modelfn functions read as {@link FunctionShape}s.
 */
final class CdkTemplates {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Logical id prefixes of the constructs' functions, by their part in the deployment (Terraform's names). */
  private static final Map<String, String> PARTS = new LinkedHashMap<>();

  static {
    PARTS.put("EndpointFunction", "predict");
    PARTS.put("EndpointCanaryPreTrafficHook", "pre-traffic-hook");
    PARTS.put("EndpointShadowFunction", "shadow");
    PARTS.put("EndpointBlueGreenValidation", "pre-switch-validation");
    PARTS.put("BatchFunction", "batch");
    PARTS.put("StreamFunction", "stream");
    PARTS.put("AsyncWorker", "async-worker");
  }

  private CdkTemplates() {}

  /** The template of the example stack with {@code release}, the package being {@code functionPackage}. */
  static JsonNode synth(String release, java.nio.file.Path functionPackage) {
    Map<String, Object> context = new HashMap<>();
    context.put("aws:cdk:disable-asset-staging", true);
    context.put("functionPackage", functionPackage.toString());
    context.put("release", release);
    App app = new App(AppProps.builder().context(context).analyticsReporting(false).build());
    ModelfnStack stack = new ModelfnStack(app, "Modelfn", StackProps.builder()
        .env(Environment.builder().account("123456789012").region("eu-west-1").build()).build(),
        StackSettings.fromContext(app));
    return JSON.valueToTree(Template.fromStack(stack).toJSON());
  }

  /** The modelfn functions of a template (the CDK's own helper functions left out), by part. */
  static Map<String, FunctionShape> functions(JsonNode template) {
    JsonNode resources = template.get("Resources");
    Map<String, FunctionShape> out = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode p = e.getValue().path("Properties");
      if (!e.getValue().path("Type").asText().equals("AWS::Lambda::Function")
          || !p.path("Handler").asText().startsWith("dev.modelfn.")) {
        continue;
      }
      String id = e.getKey();
      String key = PARTS.entrySet().stream().filter(x -> id.matches(x.getKey() + "[0-9A-F]{8}"))
          .map(Map.Entry::getValue).findFirst().orElse(id);
      String roleId = p.path("Role").path("Fn::GetAtt").path(0).asText();

      TreeMap<String, String> env = new TreeMap<>();
      p.path("Environment").path("Variables").fields()
          .forEachRemaining(v -> env.put(v.getKey(), v.getValue().isTextual() ? v.getValue().asText() : null));

      TreeSet<String> actions = new TreeSet<>();
      TreeSet<String> managed = new TreeSet<>();
      for (JsonNode r : resources) {
        if (r.path("Type").asText().equals("AWS::IAM::Policy") && refs(r.path("Properties").path("Roles"), roleId)) {
          collectActions(r.path("Properties").path("PolicyDocument"), actions);
        }
      }
      JsonNode role = resources.path(roleId).path("Properties");
      role.path("Policies").forEach(pol -> collectActions(pol.path("PolicyDocument"), actions));
      role.path("ManagedPolicyArns").forEach(m -> managed.add(m.toString()));

      TreeSet<String> aliases = new TreeSet<>();
      List<String> aliasIds = new ArrayList<>();
      resources.fields().forEachRemaining(r -> {
        JsonNode rp = r.getValue().path("Properties");
        if (r.getValue().path("Type").asText().equals("AWS::Lambda::Alias")
            && rp.path("FunctionName").path("Ref").asText().equals(id)) {
          aliases.add(rp.path("Name").asText());
          aliasIds.add(r.getKey());
        }
      });

      List<FunctionShape.EventSource> sources = new ArrayList<>();
      for (JsonNode r : resources) {
        JsonNode rp = r.path("Properties");
        if (!r.path("Type").asText().equals("AWS::Lambda::EventSourceMapping")) {
          continue;
        }
        boolean mine = refs(rp.path("FunctionName"), id) || aliasIds.stream().anyMatch(a -> refs(rp.path("FunctionName"), a));
        if (!mine) {
          continue;
        }
        String sourceId = rp.path("EventSourceArn").path("Fn::GetAtt").path(0).asText();
        String kind = resources.path(sourceId).path("Type").asText().equals("AWS::Kinesis::Stream") ? "kinesis" : "sqs";
        sources.add(eventSource(kind, intOr(rp, "BatchSize", null), intOr(rp, "MaximumBatchingWindowInSeconds", 0),
            rp.has("BisectBatchOnFunctionError") ? rp.get("BisectBatchOnFunctionError").asBoolean() : Boolean.FALSE,
            intOr(rp, "MaximumRetryAttempts", null), intOr(rp, "MaximumRecordAgeInSeconds", null),
            intOr(rp, "ParallelizationFactor", null), rp.path("StartingPosition").asText(null),
            texts(rp.path("FunctionResponseTypes")), rp.path("DestinationConfig").path("OnFailure").has("Destination")));
      }
      sources.sort(null);

      List<String> arch = p.has("Architectures") ? texts(p.get("Architectures")) : List.of("x86_64");
      out.put(key, new FunctionShape(key, id, p.path("Handler").asText(), p.path("Runtime").asText(), arch,
          p.path("MemorySize").asInt(128), p.path("Timeout").asInt(3),
          p.path("SnapStart").path("ApplyOn").asText().equals("PublishedVersions"),
          p.has("ReservedConcurrentExecutions") ? p.get("ReservedConcurrentExecutions").asInt() : null,
          env, actions, managed, aliases, sources));
    }
    return out;
  }

  /** Each alarm as "metric statistic comparison threshold periods/datapoints period missing-data". */
  static List<String> alarms(JsonNode template) {
    List<String> out = new ArrayList<>();
    for (JsonNode r : template.get("Resources")) {
      if (r.path("Type").asText().equals("AWS::CloudWatch::Alarm")) {
        JsonNode p = r.path("Properties");
        out.add(alarm(p.path("Namespace").asText(), p.path("MetricName").asText(),
            p.has("ExtendedStatistic") ? p.path("ExtendedStatistic").asText() : p.path("Statistic").asText(),
            p.path("ComparisonOperator").asText(), p.path("Threshold").asDouble(), p.path("EvaluationPeriods").asInt(),
            p.path("DatapointsToAlarm").asInt(p.path("EvaluationPeriods").asInt()), p.path("Period").asInt(),
            p.path("TreatMissingData").asText("missing")));
      }
    }
    return out;
  }

  static String alarm(String namespace, String metric, String stat, String comparison, double threshold, int periods,
      int datapoints, int period, String missing) {
    return namespace + "/" + metric + " " + stat + " " + comparison + " " + threshold + " " + datapoints + "/" + periods
        + " of " + period + " s, missing data " + missing;
  }

  /** Each queue as "retention s, visibility s, max receives, encrypted". */
  static List<String> queues(JsonNode template) {
    List<String> out = new ArrayList<>();
    for (JsonNode r : template.get("Resources")) {
      if (r.path("Type").asText().equals("AWS::SQS::Queue")) {
        JsonNode p = r.path("Properties");
        out.add(queue(p.path("MessageRetentionPeriod").asInt(345600), p.path("VisibilityTimeout").asInt(30),
            p.path("RedrivePolicy").path("maxReceiveCount").asInt(0),
            p.path("SqsManagedSseEnabled").asBoolean() || p.has("KmsMasterKeyId")));
      }
    }
    return out;
  }

  static String queue(int retention, int visibility, int maxReceives, boolean encrypted) {
    return "retention " + retention + " s, visibility " + visibility + " s, "
        + (maxReceives == 0 ? "a dead-letter place" : "dead letter after " + maxReceives + " receives")
        + (encrypted ? ", encrypted" : ", NOT encrypted");
  }

  static long count(JsonNode template, String type) {
    long n = 0;
    for (JsonNode r : template.get("Resources")) {
      if (r.path("Type").asText().equals(type)) {
        n++;
      }
    }
    return n;
  }

  /** An event source as compared: SQS mappings keep batch size, window and response types only. */
  static FunctionShape.EventSource eventSource(String kind, Integer batchSize, Integer window, Boolean bisect,
      Integer retries, Integer maxAge, Integer parallelization, String startingPosition, List<String> responseTypes,
      boolean onFailure) {
    if (kind.equals("sqs")) {
      return new FunctionShape.EventSource(kind, batchSize, window, null, null, null, null, null, responseTypes, false);
    }
    return new FunctionShape.EventSource(kind, batchSize, window, bisect, retries, maxAge, parallelization,
        startingPosition, responseTypes, onFailure);
  }

  /** Whether {@code node} contains {@code {"Ref": id}} or {@code {"Fn::GetAtt": [id, ...]}} anywhere. */
  static boolean refs(JsonNode node, String id) {
    if (node.isObject()) {
      if (node.path("Ref").asText("").equals(id) || node.path("Fn::GetAtt").path(0).asText("").equals(id)) {
        return true;
      }
      for (JsonNode c : node) {
        if (refs(c, id)) {
          return true;
        }
      }
    } else if (node.isArray()) {
      for (JsonNode c : node) {
        if (refs(c, id)) {
          return true;
        }
      }
    }
    return false;
  }

  static void collectActions(JsonNode document, java.util.Set<String> into) {
    for (JsonNode st : document.path("Statement")) {
      if (!st.path("Effect").asText("Allow").equals("Allow")) {
        continue;
      }
      JsonNode a = st.path("Action");
      if (a.isArray()) {
        a.forEach(x -> into.add(x.asText()));
      } else if (a.isTextual()) {
        into.add(a.asText());
      }
    }
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(x -> out.add(x.asText()));
    return out;
  }

  private static Integer intOr(JsonNode p, String field, Integer dflt) {
    return p.has(field) && !p.get(field).isNull() ? Integer.valueOf(p.get(field).asInt()) : dflt;
  }
}
