# midas's "fixed-effects" model (one random intercept per study shared by both arms), fitted by
# lme4::glmer with 7-point adaptive Gauss-Hermite quadrature (nAGQ = 7 works for one scalar random
# effect), and the forest-plot Q/I^2 of midas centred on it (Higgins & Thompson test-based I^2 CI as
# midas `homogeni`).   Rscript tests/fixtures-r/shared-intercept.R  -> shared-intercept.json
# R 4.2.2, lme4 1.1-31.
suppressMessages(library(lme4))
library(jsonlite)
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("--file=", "", args[grep("--file=", args)])))
ref <- file.path(here, "..", "reference", "datasets")
homogeni <- function(Q, df) {
  K <- df + 1; H2 <- Q / df; I2 <- max(0, (H2 - 1) / H2)
  se <- if (Q > K) 0.5 * (log(Q) - log(df)) / (sqrt(2 * Q) - sqrt(2 * K - 3)) else sqrt(1 / (2 * (K - 2)) * (1 - 1 / (3 * (K - 2)^2)))
  sd <- sqrt(4 * se^2 / max(H2, 1)^2)
  c(Q = Q, I2 = I2, lo = max(0, I2 - qnorm(0.975) * sd), hi = min(1, I2 + qnorm(0.975) * sd))
}
out <- list(description = "see the header of shared-intercept.R", versions = list(R = R.version.string, lme4 = as.character(packageVersion("lme4"))), datasets = list())
for (name in c("midas_example", "scheidler_lag", "auditc", "dementia")) {
  d <- read.csv(file.path(ref, paste0(name, ".csv")))
  L <- data.frame(study = factor(rep(seq_len(nrow(d)), each = 2)), sens = rep(c(1, 0), nrow(d)), spec = rep(c(0, 1), nrow(d)),
                  y = as.vector(rbind(d$tp, d$tn)), n = as.vector(rbind(d$tp + d$fn, d$tn + d$fp)))
  m <- glmer(cbind(y, n - y) ~ 0 + sens + spec + (1 | study), data = L, family = binomial, nAGQ = 7,
             control = glmerControl(optimizer = "bobyqa", tolPwrss = 1e-12, optCtrl = list(maxfun = 1e5)))
  b <- fixef(m); se <- plogis(b[["sens"]]); sp <- plogis(b[["spec"]])
  n1 <- d$tp + d$fn; n0 <- d$tn + d$fp
  Qse <- sum((d$tp / n1 - se)^2 / (se * (1 - se) / n1)); Qsp <- sum((d$tn / n0 - sp)^2 / (sp * (1 - sp) / n0))
  out$datasets[[name]] <- list(beta_sens = b[["sens"]], beta_spec = b[["spec"]], sigma2 = as.numeric(VarCorr(m)$study),
                               sens = as.list(homogeni(Qse, nrow(d) - 1)), spec = as.list(homogeni(Qsp, nrow(d) - 1)))
}
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), file.path(here, "shared-intercept.json"))
