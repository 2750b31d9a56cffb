package org.patchddm.spark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of the Spark session, namespace {@code patchddm.spark}.
 *
 * @param master used only when spark-submit (or {@code -Dspark.master}) sets no master
 * @param appName application name, unless spark-submit sets one
 * @param kryo use Kryo for RDD records
 * @param properties extra Spark properties; ones already set by spark-submit win
 */
public record SparkSettings(
    String master, String appName, boolean kryo, Map<String, String> properties) {

  public static SparkSettings fromConfig(Config root) {
    Config c = root.getConfig("patchddm.spark");
    Map<String, String> props = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : c.getConfig("properties").entrySet()) {
      props.put(
          String.join(".", ConfigUtil.splitPath(e.getKey())),
          String.valueOf(e.getValue().unwrapped()));
    }
    return new SparkSettings(
        c.getString("master"), c.getString("app-name"), c.getBoolean("kryo"), Map.copyOf(props));
  }
}
