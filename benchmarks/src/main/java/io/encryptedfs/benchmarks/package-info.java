/** JMH benchmarks for encryptedfs. */
package io.encryptedfs.benchmarks;
