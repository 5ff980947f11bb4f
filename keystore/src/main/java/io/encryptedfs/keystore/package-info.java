/**
 * Master-key management for encryptedfs, usable without the file system and with the JDK alone.
 *
 * <p>{@link io.encryptedfs.keystore.Pkcs12KeyStore} keeps AES-256 master keys in a password
 * protected PKCS#12 file and implements {@link io.encryptedfs.keystore.KeyProvider}; {@link
 * io.encryptedfs.keystore.PasswordSource} says where its password comes from; {@link
 * io.encryptedfs.keystore.AuditLog} records every key event under the {@link System.Logger} name
 * {@code io.encryptedfs.audit} and, optionally, as JSON lines in a file.
 */
package io.encryptedfs.keystore;
