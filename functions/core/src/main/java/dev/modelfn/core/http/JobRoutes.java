package dev.modelfn.core.http;

import dev.modelfn.model.ModelMetadata;
import java.util.Map;

/**
 * The asynchronous routes the predict function serves without depending on how jobs are kept:
 * {@code POST /v2/models/{name}/infer-async} and {@code GET /v2/jobs/{id}}. The async package
 * implements it; the predict function answers 501 where none is configured.
 */
public interface JobRoutes {
  /** Accepts a validated request as a job: 202 with the job's id and status URL. */
  HttpResponse submit(HttpRequest req, ModelMetadata md, String callbackUrl, Map<String, String> headers);

  /** A job's status document, or 404 for an unknown job. */
  HttpResponse status(String id, Map<String, String> headers);
}
