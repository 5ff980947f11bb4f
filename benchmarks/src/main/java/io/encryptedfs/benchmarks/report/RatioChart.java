package io.encryptedfs.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Draws the encrypted/plain ratio bar chart (PNG) from the CSV that {@code scripts/report.py --csv}
 * extracts from a JMH JSON file. Not a benchmark; run with {@code java -cp target/benchmarks.jar
 * io.encryptedfs.benchmarks.report.RatioChart in.csv out.png "title"}.
 *
 * <p>CSV columns: workload,impl,ratio (ratio = encrypted throughput / plain throughput).
 */
public final class RatioChart {
  private RatioChart() {}

  public static void main(String[] args) throws IOException {
    List<String> lines = Files.readAllLines(Path.of(args[0]));
    List<String> workloads = new ArrayList<>();
    Map<String, Map<String, Double>> byImpl = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      if (!workloads.contains(f[0])) {
        workloads.add(f[0]);
      }
      byImpl.computeIfAbsent(f[1], k -> new LinkedHashMap<>()).put(f[0], Double.parseDouble(f[2]));
    }
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(1400)
            .height(700)
            .title(args.length > 2 ? args[2] : "encryptedfs throughput relative to plain NIO")
            .xAxisTitle("workload")
            .yAxisTitle("encrypted / plain (1.0 = no cost)")
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setXAxisLabelRotation(35);
    chart.getStyler().setYAxisMin(0.0);
    for (Map.Entry<String, Map<String, Double>> e : byImpl.entrySet()) {
      List<Double> ys = new ArrayList<>();
      for (String w : workloads) {
        ys.add(e.getValue().getOrDefault(w, 0.0));
      }
      chart.addSeries(e.getKey(), workloads, ys);
    }
    BitmapEncoder.saveBitmap(chart, args[1], BitmapEncoder.BitmapFormat.PNG);
  }
}
