package io.encryptedfs;

/**
 * What an open encrypted file system reports about itself: the format version it writes, and the
 * algorithm, block size and master key alias of the files it creates. Contains no key material.
 */
public record RootInfo(int formatVersion, Algorithm algorithm, int blockSize, String keyAlias) {}
