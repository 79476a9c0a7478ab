# Oracle values for src/stats/heterogeneity.ts — an independent R implementation of the published
# formulas (never values computed by metadx):
#  * Higgins JPT, Thompson SG (2002). Quantifying heterogeneity in a meta-analysis. Stat Med
#    21:1539-1558, doi:10.1002/sim.1186 — test-based interval for I^2 via SE(ln H) (their eqs. for
#    Q > k and Q <= k), in the form midas `homogeni.ado` uses it (I^2 = (H^2-1)/H^2, H^2 floored at 1
#    before Var(I^2) = 4 SE(lnH)^2 / H^4, limits truncated to [0, 1]);
#  * midas v2.00 forest-plot Q statistics (midas.ado, see /shared/research/METHODS.md (d)): Q for
#    study sensitivities/specificities around the pooled proportion (here sum(TP)/sum(n1)), and for
#    ln LR+, ln LR-, ln DOR around a summary value (here the glmer block's summary), 0.5 added to all
#    cells of studies with a zero cell; plus the two midas quirks (DOR "Q" = sum(exp(z^2)), LR+ I^2
#    printed as the lower limit);
#  * Zhou Y, Dendukuri N (2014). Stat Med 33:2701-2717, doi:10.1002/sim.6115 — I^2 for logit
#    sensitivity, logit specificity and the bivariate I^2 with the expected within-study variance
#    (exp(tau2/2 - theta) + exp(tau2/2 + theta) + 2) * mean(1/n), plugged in with the glmer block's
#    estimates.
# Run from the repository root:  Rscript tests/fixtures-r/heterogeneity.R
# Writes tests/fixtures-r/heterogeneity.json.
args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script)) dirname(normalizePath(script)) else "tests/fixtures-r"
ref <- file.path(here, "..", "reference")

homogeni <- function(Q, df, level = 0.95) {
  K <- df + 1
  H2 <- Q / df
  I2 <- max(0, (H2 - 1) / H2)
  if (sqrt(H2) < 1) H2 <- 1
  if (Q > K) {
    se_lnH <- 0.5 * (log(Q) - log(df)) / (sqrt(2 * Q) - sqrt(2 * K - 3))
  } else {
    se_lnH <- sqrt((1 / (2 * (K - 2))) * (1 - 1 / (3 * (K - 2)^2)))
  }
  v <- 4 * se_lnH^2 / H2^2
  z <- qnorm(1 - (1 - level) / 2)
  lo <- I2 - z * sqrt(v)
  hi <- I2 + z * sqrt(v)
  list(Q = Q, df = df, p = pchisq(Q, df, lower.tail = FALSE), H2 = H2, I2 = min(1, I2),
       I2_lo = if (is.finite(lo)) max(0, lo) else NULL, I2_hi = if (is.finite(hi)) min(1, hi) else NULL)
}

grid <- list()
for (df in c(1, 2, 4, 9, 16, 38)) for (Q in c(0, 0.5 * df, df, df + 0.5, df + 1, df + 1.5, 2 * df, 5 * df + 3, 100)) {
  if (df == 1 && Q <= 2) next   # SE(lnH) undefined (K - 2 = 0)
  for (level in c(0.95, 0.9)) grid[[length(grid) + 1]] <- c(homogeni(Q, df, level), level = level)
}

corrected <- function(d) {
  z <- d$tp == 0 | d$fp == 0 | d$fn == 0 | d$tn == 0
  d$tp <- d$tp + 0.5 * z; d$fp <- d$fp + 0.5 * z; d$fn <- d$fn + 0.5 * z; d$tn <- d$tn + 0.5 * z
  d
}

datasets <- list()
for (f in sort(list.files(file.path(ref, "datasets"), pattern = "\\.csv$", full.names = TRUE))) {
  name <- sub("\\.csv$", "", basename(f))
  d <- read.csv(f, stringsAsFactors = FALSE)
  e <- jsonlite::fromJSON(file.path(ref, "expected", paste0(name, ".json")))
  g <- e$bivariate_glmm_laplace_glmer
  k <- nrow(d)
  n1 <- d$tp + d$fn; n0 <- d$tn + d$fp
  se_f <- sum(d$tp) / sum(n1); sp_f <- sum(d$tn) / sum(n0)
  Q_se <- sum((d$tp / n1 - se_f)^2 / (se_f * (1 - se_f) / n1))
  Q_sp <- sum((d$tn / n0 - sp_f)^2 / (sp_f * (1 - sp_f) / n0))
  c <- corrected(d)
  c1 <- c$tp + c$fn; c0 <- c$tn + c$fp
  llrp <- log((c$tp / c1) / (c$fp / c0)); vlrp <- 1 / c$tp + 1 / c$fp - 1 / c1 - 1 / c0
  llrn <- log((c$fn / c1) / (c$tn / c0)); vlrn <- 1 / c$fn + 1 / c$tn - 1 / c1 - 1 / c0
  ldor <- log(c$tp * c$tn / (c$fp * c$fn)); vdor <- 1 / c$tp + 1 / c$fp + 1 / c$fn + 1 / c$tn
  f_lrp <- log(g$summary$lr_pos$est); f_lrn <- log(g$summary$lr_neg$est); f_dor <- log(g$summary$dor$est)
  Q_lrp <- sum((llrp - f_lrp)^2 / vlrp)
  Q_lrn <- sum((llrn - f_lrn)^2 / vlrn)
  Q_dor <- sum((ldor - f_dor)^2 / vdor)
  Q_dor_compat <- sum(exp((ldor - f_dor)^2 / vdor))
  lrp <- homogeni(Q_lrp, k - 1)
  # Zhou & Dendukuri
  s2a <- (exp(g$tau2_sens / 2 - g$mu_logit_sens) + exp(g$tau2_sens / 2 + g$mu_logit_sens) + 2) * mean(1 / n1)
  s2b <- (exp(g$tau2_spec / 2 - g$mu_logit_spec) + exp(g$tau2_spec / 2 + g$mu_logit_spec) + 2) * mean(1 / n0)
  detT <- g$tau2_sens * g$tau2_spec * (1 - g$rho^2)
  datasets[[name]] <- list(
    pooled = list(sens = se_f, spec = sp_f, log_lr_pos = f_lrp, log_lr_neg = f_lrn, log_dor = f_dor),
    sens = homogeni(Q_se, k - 1), spec = homogeni(Q_sp, k - 1),
    log_lr_pos = lrp, log_lr_neg = homogeni(Q_lrn, k - 1), log_dor = homogeni(Q_dor, k - 1),
    compat_dor = homogeni(Q_dor_compat, k - 1),
    compat_lr_pos_I2 = lrp$I2_lo,
    zhou_dendukuri = list(
      params = list(mu_sens = g$mu_logit_sens, mu_spec = g$mu_logit_spec, tau2_sens = g$tau2_sens,
                    tau2_spec = g$tau2_spec, cov_re = g$cov_re),
      sigma2_sens = s2a, sigma2_spec = s2b,
      I2_sens = g$tau2_sens / (g$tau2_sens + s2a), I2_spec = g$tau2_spec / (g$tau2_spec + s2b),
      I2_bivariate = sqrt(detT) / (sqrt(detT) + sqrt(s2a * s2b))))
}

out <- list(generated_by = "tests/fixtures-r/heterogeneity.R", R = R.version.string,
            note = "I2 values are proportions in [0, 1]", homogeni_grid = grid, datasets = datasets)
jsonlite::write_json(out, file.path(here, "heterogeneity.json"), auto_unbox = TRUE, digits = I(17), pretty = TRUE)
cat("wrote", length(grid), "grid rows and", length(datasets), "datasets\n")
