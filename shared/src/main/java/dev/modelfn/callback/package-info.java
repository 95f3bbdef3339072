/**
 * Signed callbacks of asynchronous jobs: {@link dev.modelfn.callback.CallbackSigner} signs a
 * delivery, {@link dev.modelfn.callback.CallbackVerifier} checks one on the receiving side. Both
 * use only the JDK, so a receiver can depend on this package alone (or copy the verifier).
 */
package dev.modelfn.callback;
