# One child process of `npm run bench`'s GLMM rows: times lme4::glmer (Laplace, nAGQ = 1; glmer
# offers no adaptive quadrature for two random effects) at tight convergence (optimizer bobyqa,
# tolPwrss = 1e-12) on one bench data set, as bench/fit-timing.ts times metadx: the first glmer
# call in this fresh R process ("cold"), then `warm` more calls. Only the glmer() call is timed
# (proc.time around it: elapsed, and user + system CPU); data reshaping is outside the timer.
# Usage: Rscript bench/glmer.R <sim_k.csv> <warm repeats>
# Prints one JSON line: {"k","cold":{wall,cpu},"warm":[{wall,cpu}...],"logLik","mu":[..],"tau2":[..],"rho"}
suppressPackageStartupMessages(library(lme4))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
warm <- as.integer(if (length(args) >= 2) args[2] else 3)
k <- nrow(d)
long <- data.frame(
  study = factor(rep(seq_len(k), 2)),
  true = c(d$tp, d$tn), n = c(d$tp + d$fn, d$tn + d$fp),
  sens = rep(c(1, 0), each = k), spec = rep(c(0, 1), each = k)
)
control <- glmerControl(optimizer = "bobyqa", tolPwrss = 1e-12)
time <- function() {
  t0 <- proc.time()
  fit <- glmer(cbind(true, n - true) ~ 0 + sens + spec + (0 + sens + spec | study),
               data = long, family = binomial, nAGQ = 1, control = control)
  t1 <- proc.time() - t0
  list(fit = fit, timing = sprintf('{"wall":%.6f,"cpu":%.6f}', t1[["elapsed"]], t1[["user.self"]] + t1[["sys.self"]]))
}
cold <- time()
warms <- vapply(seq_len(warm), function(i) time()$timing, "")
fit <- cold$fit
vc <- VarCorr(fit)$study
cat(sprintf('{"k":%d,"cold":%s,"warm":[%s],"logLik":%.10f,"mu":[%.10f,%.10f],"tau2":[%.10f,%.10f],"rho":%.10f}\n',
            k, cold$timing, paste(warms, collapse = ","), as.numeric(logLik(fit)),
            fixef(fit)[1], fixef(fit)[2], vc[1, 1], vc[2, 2], attr(vc, "correlation")[1, 2]))
