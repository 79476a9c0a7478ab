# Oracle values for src/stats/univariate.ts on the likelihood ratios (the reference set covers
# lnDOR and logit sens/spec only). Independent base-R implementation of the published estimators,
# never values computed by metadx:
#  * effect sizes: ln LR+ = ln((TP/n1)/(FP/n0)), v = 1/TP - 1/n1 + 1/FP - 1/n0 and
#    ln LR- = ln((FN/n1)/(TN/n0)), v = 1/FN - 1/n1 + 1/TN - 1/n0 (metafor escalc "RR"; midas),
#    0.5 added to all four cells of studies with a zero cell;
#  * fixed effect (inverse variance) and DerSimonian & Laird (1986, doi:10.1016/0197-2456(86)90046-2);
#  * REML (Viechtbauer 2005, doi:10.3102/10769986030003261): here by direct maximisation of the
#    restricted log-likelihood with optimize() (not Fisher scoring), tol 1e-14;
#  * I^2 = tau2/(tau2 + vt), vt = (k-1)/(sum w - sum w^2/sum w) (metafor's definition).
# Run from the repository root:  Rscript tests/fixtures-r/univariate-lr.R
# Writes tests/fixtures-r/univariate-lr.json.
args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script)) dirname(normalizePath(script)) else "tests/fixtures-r"
ref <- file.path(here, "..", "reference")

pool <- function(y, v, tau2) {
  w <- 1 / (v + tau2); est <- sum(w * y) / sum(w); se <- sqrt(1 / sum(w))
  list(est = est, se = se, ci_lo = est - qnorm(0.975) * se, ci_hi = est + qnorm(0.975) * se)
}
reml_ll <- function(tau2, y, v) {
  w <- 1 / (v + tau2); est <- sum(w * y) / sum(w)
  -0.5 * (sum(log(v + tau2)) + log(sum(w)) + sum(w * (y - est)^2))
}
analyse <- function(y, v) {
  k <- length(y); w <- 1 / v
  Q <- sum(w * (y - sum(w * y) / sum(w))^2)
  trP <- sum(w) - sum(w^2) / sum(w)
  vt <- (k - 1) / trP
  dl <- max(0, (Q - (k - 1)) / trP)
  upper <- 10 * max(1, var(y))
  opt <- optimize(reml_ll, c(0, upper), y = y, v = v, maximum = TRUE, tol = 1e-14)
  reml <- if (reml_ll(0, y, v) >= opt$objective) 0 else opt$maximum
  out <- list(Q = Q, df = k - 1, Q_p = pchisq(Q, k - 1, lower.tail = FALSE))
  out$FE <- c(pool(y, v, 0), tau2 = 0, I2 = max(0, (Q - (k - 1)) / Q))
  out$DL <- c(pool(y, v, dl), tau2 = dl, I2 = dl / (dl + vt))
  out$REML <- c(pool(y, v, reml), tau2 = reml, I2 = reml / (reml + vt))
  out
}

out <- list(generated_by = "tests/fixtures-r/univariate-lr.R", R = R.version.string, datasets = list())
for (f in sort(list.files(file.path(ref, "datasets"), pattern = "\\.csv$", full.names = TRUE))) {
  d <- read.csv(f, stringsAsFactors = FALSE)
  z <- d$tp == 0 | d$fp == 0 | d$fn == 0 | d$tn == 0
  tp <- d$tp + 0.5 * z; fp <- d$fp + 0.5 * z; fn <- d$fn + 0.5 * z; tn <- d$tn + 0.5 * z
  n1 <- tp + fn; n0 <- fp + tn
  out$datasets[[sub("\\.csv$", "", basename(f))]] <- list(
    log_lr_pos = analyse(log((tp / n1) / (fp / n0)), 1 / tp - 1 / n1 + 1 / fp - 1 / n0),
    log_lr_neg = analyse(log((fn / n1) / (tn / n0)), 1 / fn - 1 / n1 + 1 / tn - 1 / n0))
}
jsonlite::write_json(out, file.path(here, "univariate-lr.json"), auto_unbox = TRUE, digits = I(17), pretty = TRUE)
cat("wrote", length(out$datasets), "datasets\n")
