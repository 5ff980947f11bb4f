package io.encryptedfs.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneDemoTest {
  @TempDir Path tmp;

  @Test
  void indexesSearchesAndLeavesNoIndexedWordOnDisk() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    LuceneDemo.Outcome outcome;
    try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      outcome = LuceneDemo.run(tmp, out);
    }
    String text = printed.toString(StandardCharsets.UTF_8);

    assertEquals(LuceneDemo.DOCUMENTS, outcome.numDocs(), text);
    assertTrue(
        outcome.indexFiles().keySet().stream().anyMatch(n -> n.startsWith("segments_")),
        outcome.indexFiles().toString());
    for (String name : outcome.indexFiles().keySet()) {
      assertTrue(Files.isRegularFile(tmp.resolve("data/index/notes").resolve(name)), name);
    }
    // The check on disk means something only if the words are in the index files to be found.
    assertFalse(outcome.holdingWords().isEmpty(), text);
    assertEquals(List.of(), outcome.cleartextOnDisk(), text);

    List<String> bothWords = matching(i -> hasWord(i, "cardiology") && hasWord(i, "arrhythmia"));
    List<String> phrase = matching(i -> words(i).contains(" oncology followup "));
    int from = LuceneDemo.FIRST_YEAR + 4;
    List<String> years =
        matching(i -> LuceneDemo.year(i) >= from && LuceneDemo.year(i) <= from + 1);
    for (List<String> expected : List.of(bothWords, phrase, years)) {
      assertFalse(expected.isEmpty());
      assertTrue(expected.size() < LuceneDemo.DOCUMENTS);
    }
    assertEquals(List.of(bothWords, phrase, years), new ArrayList<>(outcome.hits().values()), text);
    assertTrue(text.contains(LuceneDemo.WORDS_QUERY + ": " + bothWords.size() + " hits"), text);
  }

  private static List<String> matching(IntPredicate note) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < LuceneDemo.DOCUMENTS; i++) {
      if (note.test(i)) {
        ids.add(LuceneDemo.id(i));
      }
    }
    return ids;
  }

  /** Note {@code i}'s words, lower case, separated by single spaces. */
  private static String words(int i) {
    return " " + LuceneDemo.body(i).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ") + " ";
  }

  private static boolean hasWord(int i, String word) {
    return words(i).contains(" " + word + " ");
  }
}
