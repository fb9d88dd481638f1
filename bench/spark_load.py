"""Loads a Parquet file into a table of the Spark Connect server's catalog, for
the demo of bench/spark.sh (the table lives as long as the server).

usage: python3 bench/spark_load.py sc://localhost:15002 FILE.parquet TABLE
"""
import sys

from pyspark.sql import SparkSession

remote, path, table = sys.argv[1], sys.argv[2], sys.argv[3]
spark = SparkSession.builder.remote(remote).getOrCreate()
spark.read.parquet(path).write.mode("overwrite").saveAsTable(table)
print(f"{table}: {spark.table(table).count()} rows")
