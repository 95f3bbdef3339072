package dev.modelfn.terraform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What the parity test compares of one function, read from a CDK template or a Terraform state:
 * its settings, environment, IAM actions, aliases and event sources.
 *
 * @param key the function's part in the deployment ({@code predict}, {@code batch}, ...)
 * @param source where it was read (logical id or module address), for messages
 * @param environment variable name to value; a null value is a reference resolved at deploy time
 */
record FunctionShape(String key, String source, String handler, String runtime, List<String> architectures,
    int memoryMb, int timeoutSeconds, boolean snapStart, Integer reservedConcurrency,
    SortedMap<String, String> environment, SortedSet<String> iamActions, SortedSet<String> managedPolicies,
    SortedSet<String> aliases, List<EventSource> eventSources) {

  /**
   * One event source mapping. Kinesis mappings carry every setting; SQS mappings only batch size,
   * window and response types (the others do not apply to queues).
   */
  record EventSource(String kind, Integer batchSize, Integer batchingWindowSeconds, Boolean bisectOnError,
      Integer maxRetries, Integer maxRecordAgeSeconds, Integer parallelizationFactor, String startingPosition,
      List<String> responseTypes, boolean onFailureDestination) implements Comparable<EventSource> {
    @Override
    public int compareTo(EventSource o) {
      return toString().compareTo(o.toString());
    }
  }

  /** The differences from {@code tf} (this being the CDK's), one line each, naming the function. */
  List<String> differencesFrom(FunctionShape tf) {
    List<String> out = new ArrayList<>();
    String who = "function " + key + " (CDK " + source + ", Terraform " + tf.source + "): ";
    same(out, who, "handler", handler, tf.handler);
    same(out, who, "runtime", runtime, tf.runtime);
    same(out, who, "architectures", architectures, tf.architectures);
    same(out, who, "memory", memoryMb, tf.memoryMb);
    same(out, who, "timeout", timeoutSeconds, tf.timeoutSeconds);
    same(out, who, "SnapStart", snapStart, tf.snapStart);
    same(out, who, "reserved concurrency", reservedConcurrency, tf.reservedConcurrency);
    sets(out, who, "environment variable names", environment.keySet(), tf.environment.keySet());
    for (Map.Entry<String, String> e : environment.entrySet()) {
      String theirs = tf.environment.get(e.getKey());
      if (e.getValue() != null && theirs != null && !e.getValue().equals(theirs)) {
        out.add(who + "environment variable " + e.getKey() + " is '" + e.getValue() + "' in the CDK, '" + theirs
            + "' in Terraform");
      }
    }
    sets(out, who, "IAM actions", iamActions, tf.iamActions);
    sets(out, who, "managed policies", managedPolicies, tf.managedPolicies);
    sets(out, who, "aliases", aliases, tf.aliases);
    sets(out, who, "event source mappings", new TreeSet<>(eventSources), new TreeSet<>(tf.eventSources));
    return out;
  }

  private static void same(List<String> out, String who, String what, Object cdk, Object tf) {
    if (!Objects.equals(cdk, tf)) {
      out.add(who + what + " is " + cdk + " in the CDK, " + tf + " in Terraform");
    }
  }

  private static <T> void sets(List<String> out, String who, String what, java.util.Set<T> cdk,
      java.util.Set<T> tf) {
    TreeSet<Object> onlyCdk = new TreeSet<>(java.util.Comparator.comparing(Object::toString));
    onlyCdk.addAll(cdk);
    onlyCdk.removeAll(tf);
    TreeSet<Object> onlyTf = new TreeSet<>(java.util.Comparator.comparing(Object::toString));
    onlyTf.addAll(tf);
    onlyTf.removeAll(cdk);
    if (!onlyCdk.isEmpty() || !onlyTf.isEmpty()) {
      out.add(who + what + " differ: only in the CDK " + onlyCdk + ", only in Terraform " + onlyTf);
    }
  }

  /** The differences between two deployments' functions, matched by key. */
  static List<String> compare(Map<String, FunctionShape> cdk, Map<String, FunctionShape> tf) {
    List<String> out = new ArrayList<>();
    for (FunctionShape c : cdk.values()) {
      FunctionShape t = tf.get(c.key());
      if (t == null) {
        out.add("function " + c.key() + " (CDK " + c.source() + ", " + c.handler() + ") has no Terraform counterpart");
      } else {
        out.addAll(c.differencesFrom(t));
      }
    }
    for (FunctionShape t : tf.values()) {
      if (!cdk.containsKey(t.key())) {
        out.add("function " + t.key() + " (Terraform " + t.source() + ", " + t.handler() + ") has no CDK counterpart");
      }
    }
    return out;
  }
}
