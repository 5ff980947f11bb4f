package io.encryptedfs.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.store.NIOFSDirectory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lucene indexes, commits, reopens and searches with NIOFSDirectory on an encrypted root. */
class LuceneIndexTest {
  @TempDir Path tmp;

  private static final String[] WORDS = {
    "aardvark", "badger", "cheetah", "dolphin", "eagle", "falcon", "gazelle", "heron"
  };

  private ClientRoots roots(boolean disk) throws Exception {
    return ClientRoots.create(disk ? tmp : null);
  }

  private static Document doc(int i) {
    Document d = new Document();
    d.add(new StringField("id", "doc" + i, Field.Store.YES));
    d.add(new TextField("body", WORDS[i % WORDS.length] + " zebra" + (i % 3), Field.Store.YES));
    d.add(new IntPoint("n", i));
    d.add(new StoredField("n", i));
    return d;
  }

  @ParameterizedTest(name = "disk={0}")
  @ValueSource(booleans = {false, true})
  void indexCommitReopenSearch(boolean disk) throws Exception {
    int docs = 2_000;
    try (ClientRoots roots = roots(disk)) {
      Path index = Files.createDirectories(roots.path("/indexes/main"));
      try (Directory dir = new NIOFSDirectory(index);
          IndexWriter w =
              new IndexWriter(
                  dir, new IndexWriterConfig(new StandardAnalyzer()).setMaxBufferedDocs(300))) {
        for (int i = 0; i < docs; i++) {
          w.addDocument(doc(i));
        }
        w.commit();
        // a second writer is refused while the first holds write.lock (NativeFSLockFactory)
        assertThrows(
            LockObtainFailedException.class,
            () -> new IndexWriter(dir, new IndexWriterConfig(new StandardAnalyzer())));
        w.deleteDocuments(new Term("id", "doc0"));
        w.updateDocument(new Term("id", "doc1"), doc(docs + 1));
        w.forceMerge(1);
        w.commit();
      }

      roots.reopen();
      Path index2 = roots.path("/indexes/main");
      try (Directory dir = new NIOFSDirectory(index2);
          DirectoryReader reader = DirectoryReader.open(dir)) {
        assertEquals(docs - 1, reader.numDocs());
        assertEquals(1, reader.leaves().size(), "forceMerge(1) left one segment");
        IndexSearcher searcher = new IndexSearcher(reader);
        assertEquals(0, searcher.count(new TermQuery(new Term("id", "doc0"))));
        assertEquals(0, searcher.count(new TermQuery(new Term("id", "doc1"))));
        assertEquals(1, searcher.count(new TermQuery(new Term("id", "doc" + (docs + 1)))));
        int expectedDolphins = 0;
        int expectedDolphinZebra0 = 0;
        for (int i = 2; i < docs; i++) {
          boolean dolphin = WORDS[i % WORDS.length].equals("dolphin");
          expectedDolphins += dolphin ? 1 : 0;
          expectedDolphinZebra0 += dolphin && i % 3 == 0 ? 1 : 0;
        }
        QueryParser parser = new QueryParser("body", new StandardAnalyzer());
        assertEquals(expectedDolphins, searcher.count(parser.parse("dolphin")));
        assertEquals(expectedDolphinZebra0, searcher.count(parser.parse("+dolphin +zebra0")));
        TopDocs top = searcher.search(IntPoint.newRangeQuery("n", 100, 109), 20);
        assertEquals(10, top.totalHits.value);
        List<Integer> ns = new ArrayList<>();
        for (var sd : top.scoreDocs) {
          ns.add(searcher.storedFields().document(sd.doc).getField("n").numericValue().intValue());
        }
        ns.sort(null);
        assertEquals(List.of(100, 101, 102, 103, 104, 105, 106, 107, 108, 109), ns);
        assertArrayEquals(
            Stream.of(reader.directory().listAll()).sorted().toArray(),
            reader.directory().listAll(),
            "listAll is sorted");
      }

      // at rest, no segment file holds the indexed words in the clear
      Path rawIndex = roots.rawDir.resolve("indexes").resolve("main");
      try (Stream<Path> files = Files.list(rawIndex)) {
        for (Path f : files.toList()) {
          String raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
          assertFalse(raw.contains("cheetah"), "cleartext term in " + f);
          assertFalse(raw.contains("doc12"), "cleartext stored field in " + f);
        }
      }
      assertTrue(Files.exists(roots.path("/indexes/main/write.lock")));
    }
  }
}
