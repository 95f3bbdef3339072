/** Event codecs and wiring of the Lambda adapter; not API. */
package dev.modelfn.aws.internal;
