package io.encryptedfs.channel;

import io.encryptedfs.Algorithm;
import io.encryptedfs.format.Geometry;

/** How new files are made: their content algorithm, block geometry and wrapping master key. */
public record NewFilePolicy(Algorithm algorithm, Geometry geometry, String keyAlias)
    implements NewFilePolicySource {
  @Override
  public NewFilePolicy newFilePolicy() {
    return this;
  }
}
