# Times lme4::glmer (Laplace, nAGQ = 1) on the bench datasets written by bench/run.ts.
# Usage: Rscript bench/glmer.R <dir> <repeats>
# <dir> holds sim_k<k>.csv files (tp, fp, fn, tn per row). Only the glmer() call is timed
# (proc.time around the fit); data reshaping is outside the timer. Prints one JSON line per file:
# {"k":..,"median_sec":..,"times_sec":[..],"logLik":..,"mu":[..],"tau2":[..],"rho":..}
suppressPackageStartupMessages(library(lme4))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
repeats <- as.integer(if (length(args) >= 2) args[2] else 3)
files <- list.files(dir, pattern = "^sim_k[0-9]+\\.csv$", full.names = TRUE)
files <- files[order(as.integer(gsub("\\D", "", basename(files))))]
for (file in files) {
  d <- read.csv(file)
  k <- nrow(d)
  long <- data.frame(
    study = factor(rep(seq_len(k), 2)),
    true = c(d$tp, d$tn), n = c(d$tp + d$fn, d$tn + d$fp),
    sens = rep(c(1, 0), each = k), spec = rep(c(0, 1), each = k)
  )
  times <- numeric(0)
  fit <- NULL
  for (r in seq_len(repeats)) {
    t0 <- proc.time()[["elapsed"]]
    fit <- glmer(cbind(true, n - true) ~ 0 + sens + spec + (0 + sens + spec | study),
                 data = long, family = binomial, nAGQ = 1)
    times <- c(times, proc.time()[["elapsed"]] - t0)
  }
  vc <- VarCorr(fit)$study
  cat(sprintf('{"k":%d,"median_sec":%.6f,"times_sec":[%s],"logLik":%.10f,"mu":[%.10f,%.10f],"tau2":[%.10f,%.10f],"rho":%.10f}\n',
              k, median(times), paste(sprintf("%.6f", times), collapse = ","), as.numeric(logLik(fit)),
              fixef(fit)[1], fixef(fit)[2], vc[1, 1], vc[2, 2], attr(vc, "correlation")[1, 2]))
}
