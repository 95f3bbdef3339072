/**
 * Asynchronous inference: {@link dev.modelfn.core.async.AsyncJobs} takes a job (202 and a status
 * URL) and answers its status, {@link dev.modelfn.core.async.AsyncJobWorker} runs it from the job
 * queue and delivers the signed callback, retrying through queue delays. Jobs, inputs and results
 * live in object storage ({@link dev.modelfn.core.async.JobStore}); callback addresses are checked by
 * {@link dev.modelfn.core.async.CallbackPolicy} at submit and again, after DNS, at send.
 */
package dev.modelfn.core.async;
