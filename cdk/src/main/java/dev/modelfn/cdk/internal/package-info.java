/** Helpers shared by the constructs; not API. */
package dev.modelfn.cdk.internal;
