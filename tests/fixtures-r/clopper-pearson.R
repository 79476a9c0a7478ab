# Oracle values for src/stats/clopper-pearson.ts: R's exact binomial interval binom.test(x, n)$conf.int
# (Clopper & Pearson 1934, doi:10.1093/biomet/26.4.404), computed by R itself, never by metadx.
# Rows: a grid of (x, n) incl. the edges x = 0 and x = n, and the sensitivity (TP of TP+FN) and
# specificity (TN of TN+FP) of every study in tests/reference/datasets/*.csv.
# Run from the repository root:  Rscript tests/fixtures-r/clopper-pearson.R
# Writes tests/fixtures-r/clopper-pearson.json.
args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script)) dirname(normalizePath(script)) else "tests/fixtures-r"
datasets <- file.path(here, "..", "reference", "datasets")

rows <- list()
add <- function(x, n, level, source) {
  ci <- binom.test(x, n, conf.level = level)$conf.int
  rows[[length(rows) + 1]] <<- list(source = source, x = x, n = n, level = level,
                                    lo = ci[1], hi = ci[2])
}

grid_n <- c(1, 2, 3, 5, 7, 10, 13, 20, 37, 50, 100, 251, 1000, 5000)
for (n in grid_n) {
  xs <- unique(round(c(0, 1, 2, n / 4, n / 2, 3 * n / 4, n - 2, n - 1, n)))
  xs <- xs[xs >= 0 & xs <= n]
  for (x in xs) add(x, n, 0.95, "grid")
}
for (level in c(0.8, 0.9, 0.99)) for (xn in list(c(0, 10), c(3, 10), c(10, 10), c(17, 40))) add(xn[1], xn[2], level, "grid_level")

for (f in sort(list.files(datasets, pattern = "\\.csv$", full.names = TRUE))) {
  d <- read.csv(f, stringsAsFactors = FALSE)
  name <- sub("\\.csv$", "", basename(f))
  for (i in seq_len(nrow(d))) {
    if (d$tp[i] + d$fn[i] > 0) add(d$tp[i], d$tp[i] + d$fn[i], 0.95, paste0(name, ":sens:", i))
    if (d$tn[i] + d$fp[i] > 0) add(d$tn[i], d$tn[i] + d$fp[i], 0.95, paste0(name, ":spec:", i))
  }
}

out <- list(generated_by = "tests/fixtures-r/clopper-pearson.R", R = R.version.string,
            definition = "binom.test(x, n, conf.level = level)$conf.int", rows = rows)
jsonlite::write_json(out, file.path(here, "clopper-pearson.json"), auto_unbox = TRUE, digits = I(17), pretty = TRUE)
cat("wrote", length(rows), "rows\n")
