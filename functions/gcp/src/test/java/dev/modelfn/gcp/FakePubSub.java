package dev.modelfn.gcp;

import com.google.pubsub.v1.PublishRequest;
import com.google.pubsub.v1.PublishResponse;
import com.google.pubsub.v1.PubsubMessage;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pub/Sub's {@code google.pubsub.v1.Publisher/Publish} on a loopback gRPC server (the netty server
 * the client library brings), keeping what each topic received; the real {@code Publisher} is
 * pointed at it with {@code PUBSUB_EMULATOR_HOST}. A topic can be made to refuse publishes with a
 * status the client does not retry. (The Pub/Sub emulator needs gcloud or Docker, neither of which
 * this machine has.)
 */
public final class FakePubSub implements AutoCloseable {
  private final Server server;
  private final Map<String, List<PubsubMessage>> topics = new ConcurrentHashMap<>();
  private final Set<String> refusing = ConcurrentHashMap.newKeySet();
  private final AtomicLong ids = new AtomicLong(1000);

  public FakePubSub() throws IOException {
    MethodDescriptor<PublishRequest, PublishResponse> publish = MethodDescriptor.<PublishRequest, PublishResponse>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName("google.pubsub.v1.Publisher", "Publish"))
        .setRequestMarshaller(ProtoUtils.marshaller(PublishRequest.getDefaultInstance()))
        .setResponseMarshaller(ProtoUtils.marshaller(PublishResponse.getDefaultInstance())).build();
    ServerServiceDefinition service = ServerServiceDefinition.builder("google.pubsub.v1.Publisher")
        .addMethod(publish, ServerCalls.asyncUnaryCall((req, response) -> {
          if (refusing.contains(req.getTopic())) {
            response.onError(Status.PERMISSION_DENIED.withDescription("publishing to " + req.getTopic() + " refused")
                .asRuntimeException());
            return;
          }
          PublishResponse.Builder r = PublishResponse.newBuilder();
          for (PubsubMessage m : req.getMessagesList()) {
            String id = Long.toString(ids.incrementAndGet());
            topics.computeIfAbsent(req.getTopic(), t -> new CopyOnWriteArrayList<>()).add(m.toBuilder().setMessageId(id)
                .build());
            r.addMessageIds(id);
          }
          response.onNext(r.build());
          response.onCompleted();
        })).build();
    server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .addService(service).build().start();
  }

  /** {@code host:port}, as {@code PUBSUB_EMULATOR_HOST}. */
  public String host() {
    return "127.0.0.1:" + server.getPort();
  }

  public List<PubsubMessage> messages(String topic) {
    return topics.getOrDefault(topic, List.of());
  }

  void refuse(String topic) {
    refusing.add(topic);
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
