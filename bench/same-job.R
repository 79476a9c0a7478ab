# The "same job" done by a short R script, for `npm run bench` (a row of issue 15's table):
# on the flagship data (analyses/osteoporosis-dl/data/models.csv), the bivariate binomial GLMM by
# lme4::glmer (Laplace), leave-one-out refits, three univariable meta-regressions (image type,
# validation, transfer learning) and five base-graphics plots written to one PDF (paired forest,
# SROC points with the summary point, leave-one-out, funnel-type plot, meta-regression).
# This is far less than metadx's report (no HTML, no AGHQ, no regions, no document), which is the
# point of the comparison. Timed from outside as a whole process (Rscript start-up included, as
# metadx's is).
# Usage: Rscript bench/same-job.R <models.csv> <output.pdf>
suppressPackageStartupMessages(library(lme4))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
k <- nrow(d)
long <- function(d) {
  k <- nrow(d)
  data.frame(
    study = factor(rep(seq_len(k), 2)),
    true = c(d$tp, d$tn), n = c(d$tp + d$fn, d$tn + d$fp),
    sens = rep(c(1, 0), each = k), spec = rep(c(0, 1), each = k),
    image_type = rep(d$image_type, 2), validation = rep(d$validation, 2),
    transfer_learning = rep(d$transfer_learning, 2)
  )
}
fit <- function(data, formula = cbind(true, n - true) ~ 0 + sens + spec + (0 + sens + spec | study)) {
  glmer(formula, data = data, family = binomial, nAGQ = 1)
}
full <- fit(long(d))
mu <- fixef(full)

# leave-one-out
loo <- t(sapply(seq_len(k), function(i) fixef(fit(long(d[-i, ])))))

# three univariable meta-regressions (covariate on both logits)
regressions <- lapply(c("image_type", "validation", "transfer_learning"), function(covariate) {
  data <- long(d)
  data$x <- as.numeric(factor(data[[covariate]])) - 1 # two-level covariates: 0/1
  fit(data, cbind(true, n - true) ~ 0 + sens + spec + sens:x + spec:x + (0 + sens + spec | study))
})

expit <- function(x) 1 / (1 + exp(-x))
se <- d$tp / (d$tp + d$fn)
sp <- d$tn / (d$tn + d$fp)
pdf(args[2], width = 7, height = 7)
par(mfrow = c(1, 2))
plot(se, seq_len(k), xlim = c(0, 1), pch = 15, xlab = "Sensitivity", ylab = "Study", main = "Forest (sensitivity)")
abline(v = expit(mu[1]), lty = 2)
plot(sp, seq_len(k), xlim = c(0, 1), pch = 15, xlab = "Specificity", ylab = "Study", main = "Forest (specificity)")
abline(v = expit(mu[2]), lty = 2)
par(mfrow = c(1, 1))
plot(1 - sp, se, xlim = c(0, 1), ylim = c(0, 1), xlab = "1 - specificity", ylab = "Sensitivity", main = "SROC space")
points(1 - expit(mu[2]), expit(mu[1]), pch = 19, col = "red")
plot(expit(loo[, 1]), expit(loo[, 2]), xlab = "Sensitivity", ylab = "Specificity", main = "Leave-one-out")
ess <- 4 / (1 / (d$tp + d$fn) + 1 / (d$tn + d$fp))
plot(log((d$tp + 0.5) * (d$tn + 0.5) / ((d$fp + 0.5) * (d$fn + 0.5))), 1 / sqrt(ess), xlab = "log DOR", ylab = "1/sqrt(ESS)", main = "Funnel")
plot(sapply(regressions, function(r) fixef(r)[3]), pch = 19, xaxt = "n", xlab = "", ylab = "sens difference (logit)", main = "Meta-regression")
axis(1, at = 1:3, labels = c("image", "validation", "transfer"))
invisible(dev.off())
cat(sprintf('{"k":%d,"logLik":%.6f,"mu":[%.6f,%.6f]}\n', k, as.numeric(logLik(full)), mu[1], mu[2]))
