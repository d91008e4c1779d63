"""Streams a JSONL corpus through `nerpipe run --jsonl-in - --jsonl-out -`
with PySpark's RDD.pipe, in local mode, as the README's Spark example does.

    python spark_pipe.py CORPUS.jsonl OUT_DIR PARTITIONS NERPIPE_COMMAND

Writes the mention lines to OUT_DIR (part-00000, part-00001, ...: one per
partition, in the corpus order) and prints the number of input lines in each
partition as JSON on the last line of stdout. Used by scripts/engine-spark.sh.
"""

import json
import sys

from pyspark.sql import SparkSession


def main() -> None:
    corpus, out_dir, partitions, command = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    spark = (
        SparkSession.builder.master(f"local[{min(partitions, 2)}]")
        .appName("nerpipe-engine-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        docs = spark.sparkContext.textFile(corpus, minPartitions=partitions)
        if docs.getNumPartitions() != partitions:
            # textFile splits by bytes; fall back to exact partitions, in order.
            docs = spark.sparkContext.parallelize(docs.collect(), partitions)
        sizes = docs.glom().map(len).collect()
        # checkCode: a nerpipe that fails (no model, bad option) fails the job
        # instead of yielding an empty partition.
        docs.pipe(command, checkCode=True).saveAsTextFile(out_dir)
    finally:
        spark.stop()
    print(json.dumps(sizes))


if __name__ == "__main__":
    main()
