package org.patchddm.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Benchmark helper: records the executor CPU time and run time of every finished task of the stage
 * that used the most CPU (for the preprocessing job: one subject per task). CPU time, unlike wall
 * time, does not grow when other processes share the cores, so it is the honest per-subject cost on
 * a loaded machine.
 */
final class TaskCpuListener extends SparkListener {
  /** One finished task: index in its stage, launch order, executor CPU and run time in seconds. */
  record Task(int stage, long launchTime, double cpuSeconds, double runSeconds) {}

  private final List<Task> tasks = Collections.synchronizedList(new ArrayList<>());

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    TaskMetrics m = end.taskMetrics();
    if (m != null) {
      tasks.add(
          new Task(
              end.stageId(),
              end.taskInfo().launchTime(),
              m.executorCpuTime() / 1e9,
              m.executorRunTime() / 1e3));
    }
  }

  /** Tasks of the stage with the largest total CPU time, in launch order. */
  List<Task> heaviestStage() {
    List<Task> copy;
    synchronized (tasks) {
      copy = new ArrayList<>(tasks);
    }
    int best = -1;
    double bestCpu = -1;
    for (int stage : copy.stream().mapToInt(Task::stage).distinct().toArray()) {
      double cpu =
          copy.stream().filter(t -> t.stage() == stage).mapToDouble(Task::cpuSeconds).sum();
      if (cpu > bestCpu) {
        bestCpu = cpu;
        best = stage;
      }
    }
    int chosen = best;
    List<Task> out = new ArrayList<>(copy.stream().filter(t -> t.stage() == chosen).toList());
    out.sort((a, b) -> Long.compare(a.launchTime(), b.launchTime()));
    return out;
  }

  /** Median of {@code values}; NaN when empty. */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> s = new ArrayList<>(values);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }
}
