"""Writes a churn-shaped evaluation table of N rows as Parquet, generated and
written by Spark itself (over Spark Connect), for bench/spark.sh.

usage: python3 bench/spark_gen.py sc://localhost:15002 ROWS OUT_DIR
One part file (coalesce(1)) so the in-memory engine can read the same file.
"""
import sys

from pyspark.sql import SparkSession

remote, rows, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
spark = SparkSession.builder.remote(remote).getOrCreate()
df = spark.range(rows).selectExpr(
    "concat('c', id) AS id",
    "element_at(array('north','south','east','west','central'), CAST(pmod(hash(id, 1), 5) AS INT) + 1) AS region",
    "element_at(array('mobile','desktop','tablet'), CAST(pmod(hash(id, 2), 3) AS INT) + 1) AS device",
    "element_at(array('en','es','de','fr','ja'), CAST(pmod(hash(id, 3), 5) AS INT) + 1) AS language",
    "rand(7) AS u",
    "rand(8) AS v",
    "rand(9) AS w",
)
df = df.selectExpr(
    "id",
    "region",
    "device",
    "language",
    # A planted failure: east x tablet churns more and the candidate misses it.
    "CAST(u < 0.2 + IF(region = 'east' AND device = 'tablet', 0.25, 0.0) AS INT) AS label",
    "v",
    "w",
    "region = 'east' AND device = 'tablet' AS planted",
)
df = df.selectExpr(
    "id",
    "region",
    "device",
    "language",
    "label",
    "round(least(greatest(0.35 * label + 0.65 * v, 0.0), 1.0), 6) AS score_baseline",
    "round(least(greatest(IF(planted, 0.1, 0.45) * label + IF(planted, 0.9, 0.55) * w, 0.0), 1.0), 6) AS score_candidate",
)
df = df.selectExpr(
    "*",
    "CAST(score_baseline >= 0.5 AS INT) AS pred_baseline",
    "CAST(score_candidate >= 0.5 AS INT) AS pred_candidate",
)
df.coalesce(1).write.mode("overwrite").parquet(out)
print(f"wrote {rows} rows to {out}")
