package io.encryptedfs.channel;

import io.encryptedfs.crypto.FileKeys;
import io.encryptedfs.format.FileHeader;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.format.TailRecord;

/**
 * What opening a file's front region established: its authentic header (and the slot it is in), the
 * raw bytes of both header slots as read ({@code headerImage}), and keys, and its newest authentic
 * tail record with the tail block's cleartext ({@code tail}, {@code record.length()} bytes used,
 * sized to a whole block). {@code headerDamage} says why the other header slot did not
 * authenticate, when it did not (null otherwise, and for a new file). {@code nonces} are those a
 * new file's creation sealed its first tail record with, which its first writer session goes on
 * with (null for a loaded file).
 */
record LoadedFile(
    FileHeader header,
    int headerSlot,
    byte[] headerImage,
    FileKeys keys,
    Geometry geometry,
    TailRecord record,
    byte[] tail,
    TailSlots slots,
    String headerDamage,
    NonceSequence nonces) {}
