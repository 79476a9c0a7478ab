# Oracle values for the per-study DOR, LR+ and LR- of the forest plots (src/results/clinical.ts
# studyRatioEstimates, stored as results.studyRatios), from metafor 3.8, never values computed by
# metadx:
#  * effect sizes with escalc: DOR measure "OR" (ai = TP, bi = FN, ci = FP, di = TN); LR+ measure "RR"
#    (TP of n1 vs FP of n0); LR- measure "RR" (FN of n1 vs TN of n0); add = 1/2, to = "only0" (0.5 added
#    to all four cells of a table with a zero cell, as midas);
#  * each table's ratio with its log-scale Wald CI: exp(yi -/+ qnorm(0.975) * sqrt(vi));
#  * each table's percentage weight in the univariate random-effects pool: weights() of
#    rma(yi, vi, method = "REML") with a tight convergence threshold (metafor's default stops at 1e-5).
# Run from the repository root:  Rscript tests/fixtures-r/study-ratios.R
# Writes tests/fixtures-r/study-ratios.json.
suppressMessages(library(metafor))
args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script)) dirname(normalizePath(script)) else "tests/fixtures-r"
ref <- file.path(here, "..", "reference")

ratio <- function(es) {
  fit <- rma(yi, vi, data = es, method = "REML", control = list(threshold = 1e-12, maxiter = 10000))
  z <- qnorm(0.975)
  list(
    est = exp(as.numeric(es$yi)),
    lo = exp(as.numeric(es$yi) - z * sqrt(es$vi)),
    hi = exp(as.numeric(es$yi) + z * sqrt(es$vi)),
    weight = as.numeric(weights(fit)),
    tau2 = fit$tau2
  )
}

out <- list(generated_by = "tests/fixtures-r/study-ratios.R", R = R.version.string, metafor = as.character(packageVersion("metafor")), datasets = list())
for (f in sort(list.files(file.path(ref, "datasets"), pattern = "\\.csv$", full.names = TRUE))) {
  d <- read.csv(f, stringsAsFactors = FALSE)
  n1 <- d$tp + d$fn; n0 <- d$fp + d$tn
  dor <- escalc(measure = "OR", ai = d$tp, bi = d$fn, ci = d$fp, di = d$tn, add = 1/2, to = "only0")
  lrp <- escalc(measure = "RR", ai = d$tp, n1i = n1, ci = d$fp, n2i = n0, add = 1/2, to = "only0")
  lrn <- escalc(measure = "RR", ai = d$fn, n1i = n1, ci = d$tn, n2i = n0, add = 1/2, to = "only0")
  out$datasets[[sub("\\.csv$", "", basename(f))]] <- list(k = nrow(d), dor = ratio(dor), lr_positive = ratio(lrp), lr_negative = ratio(lrn))
}
jsonlite::write_json(out, file.path(here, "study-ratios.json"), auto_unbox = TRUE, digits = I(17), pretty = TRUE)
cat("wrote", length(out$datasets), "datasets\n")
