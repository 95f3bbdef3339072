package dev.modelfn.aws;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelfn.codec.Json;
import dev.modelfn.codec.TensorBuilder;
import dev.modelfn.codec.TensorJson;
import dev.modelfn.config.ModelfnConfig;
import dev.modelfn.errors.InvalidInputException;
import dev.modelfn.errors.ModelfnException;
import dev.modelfn.errors.Problem;
import dev.modelfn.model.ElementType;
import dev.modelfn.model.InferenceRequest;
import dev.modelfn.model.InferenceResult;
import dev.modelfn.model.ModelMetadata;
import dev.modelfn.model.ModelSignature;
import dev.modelfn.model.Predictor;
import dev.modelfn.model.Tensor;
import dev.modelfn.model.TensorSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InternalDependencyException;
import software.amazon.awssdk.services.sagemakerruntime.model.InternalFailureException;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointRequest;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;
import software.amazon.awssdk.services.sagemakerruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.sagemakerruntime.model.ValidationErrorException;

/**
 * Predictor backed by a SageMaker real-time endpoint through SageMaker Runtime {@code
 * InvokeEndpoint}. Requests and responses are Open Inference Protocol v2 JSON, which a modelfn
 * container ({@code POST /invocations}) and KServe/Triton-based containers speak.
 *
 * <p>The signature is declared by configuration: one FP32 input named {@code
 * MODELFN_SAGEMAKER_INPUT_NAME} with {@code MODELFN_FEATURE_NAMES} columns; outputs are whatever
 * the endpoint returns. Errors: the container's 4xx → invalid input (400); throttling and
 * unavailability → not ready (503, retry); other failures → inference failure (500).
 */
public final class SageMakerPredictor implements Predictor {
  private final SageMakerRuntimeClient client;
  private final String endpoint;
  private final ModelMetadata metadata;

  public SageMakerPredictor(SageMakerRuntimeClient client, String endpoint, ModelMetadata metadata) {
    this.client = client;
    this.endpoint = endpoint;
    this.metadata = metadata;
  }

  /** The metadata a SageMaker-backed function reports, from configuration. */
  public static ModelMetadata metadata(ModelfnConfig config, SageMakerSettings settings) {
    String endpoint = settings.endpoint();
    List<String> features = config.featureNames();
    long cols = features.isEmpty() ? -1 : features.size();
    TensorSpec input = new TensorSpec(settings.inputName(), ElementType.FP32, List.of(-1L, cols));
    ModelSignature sig = new ModelSignature(List.of(input), List.of(), features, config.labels());
    return new ModelMetadata(config.modelName().orElse(endpoint), config.modelVersion().orElse("endpoint"),
        "sagemaker-endpoint", sig);
  }

  @Override
  public ModelMetadata metadata() {
    return metadata;
  }

  @Override
  public InferenceResult infer(InferenceRequest request) {
    byte[] body = encode(request);
    InvokeEndpointResponse resp;
    try {
      resp = client.invokeEndpoint(InvokeEndpointRequest.builder()
          .endpointName(endpoint)
          .contentType("application/json")
          .accept("application/json")
          .body(SdkBytes.fromByteArrayUnsafe(body))
          .build());
    } catch (ModelErrorException e) {
      Integer status = e.originalStatusCode();
      if (status != null && status >= 400 && status < 500) {
        throw new InvalidInputException("", "input accepted by SageMaker endpoint " + endpoint,
            "status " + status + ": " + e.originalMessage(), e);
      }
      throw new ModelfnException(Problem.INFERENCE_FAILED, "SageMaker endpoint " + endpoint + " failed: " + e.originalMessage(), e, true);
    } catch (ValidationErrorException e) {
      throw new ModelfnException(Problem.INFERENCE_FAILED, "SageMaker rejected the call to endpoint " + endpoint + " (check the endpoint name"
          + " and region): " + e.awsErrorDetails().errorMessage(), e);
    } catch (ServiceUnavailableException | software.amazon.awssdk.services.sagemakerruntime.model.ModelNotReadyException e) {
      throw new ModelfnException(Problem.MODEL_NOT_READY, "SageMaker endpoint " + endpoint + " is unavailable: " + e.getMessage(), e);
    } catch (InternalFailureException | InternalDependencyException e) {
      throw new ModelfnException(Problem.INFERENCE_FAILED, "SageMaker endpoint " + endpoint + " failed: " + e.getMessage(), e, true);
    } catch (SageMakerRuntimeException e) {
      if (e.isThrottlingException() || e.statusCode() == 429 || e.statusCode() >= 500) {
        throw new ModelfnException(Problem.MODEL_NOT_READY, "SageMaker endpoint " + endpoint + " is throttling or unavailable: "
            + e.getMessage(), e);
      }
      throw new ModelfnException(Problem.INFERENCE_FAILED, "SageMaker endpoint " + endpoint + " failed: " + e.getMessage(), e);
    } catch (SdkClientException e) {
      throw new ModelfnException(Problem.MODEL_NOT_READY, "cannot reach SageMaker endpoint " + endpoint + ": " + e.getMessage(), e);
    }
    return decode(resp.body().asByteArrayUnsafe());
  }

  static byte[] encode(InferenceRequest request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("inputs");
      for (Tensor t : request.inputs()) {
        TensorJson.writeTensor(g, t);
      }
      g.writeEndArray();
      if (!request.outputs().isEmpty()) {
        g.writeArrayFieldStart("outputs");
        for (String o : request.outputs()) {
          g.writeStartObject();
          g.writeStringField("name", o);
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  InferenceResult decode(byte[] body) {
    try {
      JsonNode root = Json.parse(body);
      JsonNode outputs = root.get("outputs");
      if (outputs == null || !outputs.isArray()) {
        throw new InvalidInputException("/outputs", "an OIP v2 response with an 'outputs' array", Json.describe(outputs));
      }
      List<Tensor> tensors = new ArrayList<>();
      for (int k = 0; k < outputs.size(); k++) {
        JsonNode o = outputs.get(k);
        String ptr = "/outputs/" + k;
        String name = o.path("name").asText(null);
        ElementType type = ElementType.fromOip(o.path("datatype").asText(""))
            .orElseThrow(() -> new InvalidInputException(ptr + "/datatype", "an OIP v2 datatype", o.path("datatype").toString()));
        JsonNode shapeNode = o.path("shape");
        long[] shape = new long[shapeNode.size()];
        for (int d = 0; d < shape.length; d++) {
          shape[d] = shapeNode.get(d).asLong();
        }
        JsonNode data = o.path("data");
        TensorBuilder b = new TensorBuilder(name == null ? "output" + k : name, type, shape);
        if (data.size() != Tensor.elementCount(shape)) {
          throw new InvalidInputException(ptr + "/data", Tensor.elementCount(shape) + " values", data.size() + " values");
        }
        for (int i = 0; i < data.size(); i++) {
          b.put(i, data.get(i), ptr + "/data", i);
        }
        tensors.add(b.build());
      }
      return new InferenceResult(tensors);
    } catch (InvalidInputException e) {
      throw new ModelfnException(Problem.INFERENCE_FAILED, "SageMaker endpoint " + endpoint + " returned an unusable response: "
          + e.getMessage(), e);
    }
  }
}
