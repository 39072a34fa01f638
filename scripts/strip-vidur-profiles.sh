#!/bin/sh
# Builds Tests/Fixtures/vidur/ from Vidur's per-operator profiles (MIT; see Tests/Fixtures/vidur/SOURCE.md):
# keeps the shape columns and the `.median` time of the four GEMMs, and the rows whose num_tokens is a
# power of two or three times one (1, 2, 3, 4, 6, 8, 12, ... 32768), so the fixtures stay small while
# covering every tensor-parallel degree and the whole token range. Rows are otherwise copied unchanged.
#   scripts/strip-vidur-profiles.sh /path/to/vidur/data/profiling/compute Tests/Fixtures/vidur
set -eu
src=${1:?usage: $0 VIDUR_COMPUTE_DIR OUT_DIR}
out=${2:?usage: $0 VIDUR_COMPUTE_DIR OUT_DIR}
columns="n_head n_kv_head n_embd n_expanded_embd use_gated_mlp num_tokens num_tensor_parallel_workers"
columns="$columns time_stats.attn_pre_proj.median time_stats.attn_post_proj.median"
columns="$columns time_stats.mlp_up_proj.median time_stats.mlp_down_proj.median"
for gpu in a100 h100 a40; do
  mkdir -p "$out/$gpu"
  find "$src/$gpu" -name mlp.csv | LC_ALL=C sort | while read -r file; do
    model=$(basename "$(dirname "$file")")
    awk -F, -v OFS=, -v want="$columns" '
      NR == 1 {
        n = split(want, names, " ")
        for (i = 1; i <= NF; i++) index_of[$i] = i
        for (j = 1; j <= n; j++) { if (!(names[j] in index_of)) { print "missing column " names[j] > "/dev/stderr"; exit 1 }
                                   pick[j] = index_of[names[j]] }
        line = names[1]; for (j = 2; j <= n; j++) line = line OFS names[j]; print line; next
      }
      {
        t = $index_of["num_tokens"] + 0; m = t; while (m % 2 == 0) m /= 2
        if (m != 1 && m != 3) next
        line = $pick[1]; for (j = 2; j <= n; j++) line = line OFS $pick[j]; print line
      }' "$file" > "$out/$gpu/$model.csv"
  done
done
