package io.encryptedfs.samples;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.NIOFSDirectory;

/**
 * An unmodified Apache Lucene indexing into an encrypted root and searching it: {@value #DOCUMENTS}
 * clinical notes are indexed and committed, the root is closed and reopened, and the index is
 * searched by words, by a phrase and by a numeric range; the index files on disk hold none of the
 * indexed words.
 *
 * <p>Lucene's {@code NIOFSDirectory} is opened on a {@code Path} of the encrypted file system. Its
 * {@code FSDirectory.open}, which picks {@code MMapDirectory} on 64-bit JVMs, does not work there:
 * {@code FileChannel.map} is not supported (README, "Known limits").
 *
 * <p>Run: {@code java -cp samples/target/encryptedfs-demo.jar io.encryptedfs.samples.LuceneDemo
 * [directory]} (a temporary directory by default, deleted at the end; a given one is kept).
 */
public final class LuceneDemo {
  static final int DOCUMENTS = 300;
  static final String[] WARDS = {"cardiology", "oncology", "radiology", "pediatrics", "neurology"};
  static final String[] EVENTS = {"admission", "followup", "discharge", "referral"};
  static final String[] FINDINGS = {
    "stable", "improving", "arrhythmia", "fracture", "migraine", "infection", "allergy"
  };
  static final String WORDS_QUERY = "+cardiology +arrhythmia";
  static final String PHRASE_QUERY = "\"oncology followup\"";
  static final int FIRST_YEAR = 2020;
  private static final java.util.logging.Logger AUDIT =
      java.util.logging.Logger.getLogger("io.encryptedfs.audit");

  private LuceneDemo() {}

  /**
   * What the demo found, for its test.
   *
   * @param indexFiles the index's file names with their cleartext sizes, after the commit
   * @param holdingWords index files that hold an indexed word, read through the root
   * @param cleartextOnDisk the same files as they are on disk that hold one
   * @param hits each query as the demo printed it, with the ids of its hits, sorted
   */
  record Outcome(
      int indexed,
      int numDocs,
      Map<String, Long> indexFiles,
      List<String> holdingWords,
      List<String> cleartextOnDisk,
      Map<String, List<String>> hits) {}

  public static void main(String[] args) throws IOException, ParseException {
    AUDIT.setLevel(java.util.logging.Level.WARNING);
    Path work =
        args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("encryptedfs-lucene");
    run(work, System.out);
    if (args.length == 0) {
      WalDemo.deleteTree(work);
    }
  }

  static Outcome run(Path work, PrintStream out) throws IOException, ParseException {
    Files.createDirectories(work);
    Path keystore = work.resolve("keys.p12");
    Path data = work.resolve("data");
    char[] password = WalDemo.newPassword();
    try {
      try (Pkcs12KeyStore keys = Pkcs12KeyStore.create(keystore, password)) {
        keys.generateKey("master");
      }
      Map<String, Object> env = new HashMap<>();
      env.put(EncryptedFileSystems.KEYSTORE, keystore.toString());
      env.put(EncryptedFileSystems.KEYSTORE_PASSWORD, password);
      env.put(EncryptedFileSystems.CREATE, "true");
      // Lucene forces every file a commit relies on before it writes the commit point, so the
      // force each creation would otherwise cost buys it nothing (README, "Durability").
      env.put(EncryptedFileSystems.CREATE_SYNC, "false");

      out.println("encryptedfs + Apache Lucene demo");
      out.println("  work directory : " + work);
      out.println("  encrypted root : " + EncryptedFileSystems.uriOf(data));
      out.println();

      Map<String, Long> indexFiles = new LinkedHashMap<>();
      List<String> holdingWords;
      try (FileSystem fs = EncryptedFileSystems.newFileSystem(data, env)) {
        Path index = Files.createDirectories(fs.getPath("/index/notes"));
        try (Directory dir = new NIOFSDirectory(index);
            IndexWriter writer =
                new IndexWriter(dir, new IndexWriterConfig(new StandardAnalyzer()))) {
          for (int i = 0; i < DOCUMENTS; i++) {
            writer.addDocument(document(i));
          }
          writer.commit();
          for (String name : dir.listAll()) {
            indexFiles.put(name, dir.fileLength(name));
          }
        }
        out.println("1. Indexed " + DOCUMENTS + " notes with NIOFSDirectory on " + index.toUri());
        out.println("   and committed: " + indexFiles.size() + " index files " + indexFiles);
        holdingWords = filesHoldingWords(index);
      }

      List<String> cleartext = filesHoldingWords(data.resolve("index/notes"));
      out.println(
          "2. Index files holding a ward's name ("
              + String.join(", ", WARDS)
              + "): "
              + holdingWords
              + " as Lucene reads them, "
              + cleartext
              + " on disk");

      int numDocs;
      Map<String, List<String>> hits = new LinkedHashMap<>();
      try (FileSystem fs = EncryptedFileSystems.newFileSystem(data, env);
          Directory dir = new NIOFSDirectory(fs.getPath("/index/notes"));
          DirectoryReader reader = DirectoryReader.open(dir)) {
        numDocs = reader.numDocs();
        out.println("3. Reopened the root and the index: " + numDocs + " documents");
        IndexSearcher searcher = new IndexSearcher(reader);
        QueryParser parser = new QueryParser("body", new StandardAnalyzer());
        search(searcher, WORDS_QUERY, parser.parse(WORDS_QUERY), hits, out);
        search(searcher, PHRASE_QUERY, parser.parse(PHRASE_QUERY), hits, out);
        search(
            searcher,
            "year:[" + (FIRST_YEAR + 4) + " TO " + (FIRST_YEAR + 5) + "]",
            IntPoint.newRangeQuery("year", FIRST_YEAR + 4, FIRST_YEAR + 5),
            hits,
            out);
      }
      return new Outcome(DOCUMENTS, numDocs, indexFiles, holdingWords, cleartext, hits);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /** Note {@code i}: its ward, event and finding cycle with different periods. */
  static String body(int i) {
    return String.format(
        "Note %d: %s %s, patient %s; reviewed by Dr %s",
        i,
        WARDS[i % WARDS.length],
        EVENTS[i % EVENTS.length],
        FINDINGS[i % FINDINGS.length],
        i % 2 == 0 ? "Okafor" : "Lindqvist");
  }

  static String id(int i) {
    return String.format("note-%04d", i);
  }

  static int year(int i) {
    return FIRST_YEAR + i % 7;
  }

  private static Document document(int i) {
    Document doc = new Document();
    doc.add(new StringField("id", id(i), Field.Store.YES));
    doc.add(new TextField("body", body(i), Field.Store.YES));
    doc.add(new IntPoint("year", year(i)));
    doc.add(new StoredField("year", year(i)));
    return doc;
  }

  private static void search(
      IndexSearcher searcher,
      String shown,
      Query query,
      Map<String, List<String>> hits,
      PrintStream out)
      throws IOException {
    TopDocs top = searcher.search(query, DOCUMENTS);
    List<String> ids = new ArrayList<>();
    for (ScoreDoc hit : top.scoreDocs) {
      ids.add(searcher.storedFields().document(hit.doc).get("id"));
    }
    ids.sort(null);
    hits.put(shown, ids);
    out.println("   " + shown + ": " + top.totalHits.value + " hits");
    if (top.scoreDocs.length > 0) {
      Document best = searcher.storedFields().document(top.scoreDocs[0].doc);
      out.println("     best: " + best.get("id") + " \"" + best.get("body") + "\"");
    }
  }

  /** The files in {@code index} that hold any ward's name as bytes of the file. */
  private static List<String> filesHoldingWords(Path index) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(index)) {
      for (Path file : files.sorted().toList()) {
        String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        if (Stream.of(WARDS).anyMatch(bytes::contains)) {
          found.add(file.getFileName().toString());
        }
      }
    }
    return found;
  }
}
