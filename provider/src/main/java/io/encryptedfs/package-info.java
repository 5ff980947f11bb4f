/**
 * The public API of encryptedfs: configuration names, algorithms and the exceptions a caller can
 * act on.
 */
package io.encryptedfs;
