# Fit statistics (log-likelihood, AIC, BIC, AICc) of the Reitsma bivariate model as metafor reports
# them: metafor::rma.mv (REML, and ML) on the long data (logit sensitivity and logit specificity of
# each study, their within-study variances, an unstructured 2x2 between-study covariance), with
# mada's default correction (0.5 added to all cells of all studies if any cell is 0). metafor's
# own fitstats(); never values computed by metadx.
# Run from the repository root:  Rscript tests/fixtures-r/reitsma-fitstats.R
# Writes tests/fixtures-r/reitsma-fitstats.json.
suppressMessages(library(metafor))
library(jsonlite)
args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script)) dirname(normalizePath(script)) else "tests/fixtures-r"
ref <- file.path(here, "..", "reference")

out <- list(generated_by = "tests/fixtures-r/reitsma-fitstats.R", R = R.version.string,
            metafor = as.character(packageVersion("metafor")), datasets = list())
for (f in sort(list.files(file.path(ref, "datasets"), pattern = "\\.csv$", full.names = TRUE))) {
  name <- sub("\\.csv$", "", basename(f))
  if (name == "telomerase") next  # rho at -1: boundary
  d <- read.csv(f, stringsAsFactors = FALSE)
  cc <- if (any(d[, c("tp", "fp", "fn", "tn")] == 0)) 0.5 else 0
  tp <- d$tp + cc; fp <- d$fp + cc; fn <- d$fn + cc; tn <- d$tn + cc
  k <- nrow(d)
  long <- data.frame(study = rep(seq_len(k), each = 2), outcome = factor(rep(c("sens", "spec"), k)),
                     yi = as.vector(rbind(log(tp / fn), log(tn / fp))),
                     vi = as.vector(rbind(1 / tp + 1 / fn, 1 / tn + 1 / fp)))
  row <- list(k = k)
  for (method in c("REML", "ML")) {
    # tight tolerances where nlminb reaches them, else metafor's defaults
    fit <- tryCatch(rma.mv(yi, vi, mods = ~ 0 + outcome, random = ~ outcome | study, struct = "UN", data = long, method = method,
                           control = list(rel.tol = 1e-12, iter.max = 10000, eval.max = 10000)),
                    error = function(e) rma.mv(yi, vi, mods = ~ 0 + outcome, random = ~ outcome | study, struct = "UN", data = long, method = method))
    s <- fitstats(fit)
    row[[method]] <- list(logLik = unname(s[1, 1]), deviance = unname(s[2, 1]), AIC = unname(s[3, 1]), BIC = unname(s[4, 1]), AICc = unname(s[5, 1]))
  }
  out$datasets[[name]] <- row
}
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), file.path(here, "reitsma-fitstats.json"))
