# R reference values for the flagship's corrected stand-in table (analyses/osteoporosis-dl/data/models.csv
# after the two corrections of shared/data/osteoporosis-dl/README.md: Hsieh 2021 spine 6565/1207/1295/9108,
# Jang 2021 external 34/17/16/50). tests/reference keeps the oracle of the uncorrected table (a verbatim
# copy of the shared oracle, which also used mada and glmmTMB, not installed here).
#   Rscript tests/fixtures-r/osteoporosis-corrected.R  -> osteoporosis-corrected.json
# R 4.2.2, lme4 1.1-31, metafor 3.8-1.
# - glmer_laplace: glmer Laplace, tight settings, vcov(use.hessian = TRUE);
# - aghq_q7: own adaptive Gauss-Hermite quadrature, 7 points per dimension, mode/curvature adaptive,
#   nodes placed with the lower Cholesky factor of the conditional covariance (sensitivity first;
#   metadx's default at 7 points, the midas setting), nlminb-free: optim + Newton; SEs from optimHess;
# - reitsma_reml_single: metafor rma.mv REML on logits, 0.5 added to all cells of tables with a zero cell;
# - deeks: lm(lnDOR ~ I(1/sqrt(ESS)), weights = ESS), 0.5 added to all cells of tables with a zero cell.
suppressMessages({ library(lme4); library(metafor) })
library(jsonlite)
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("--file=", "", args[grep("--file=", args)])))
d <- read.csv(file.path(here, "..", "..", "analyses", "osteoporosis-dl", "data", "models.csv"))
stopifnot(nrow(d) == 26, d$tp[d$study == "hsieh2021" & d$image_type == "lumbar_spine"] == 6565, d$tn[d$study == "jang2021"] == 50)
out <- list(description = "see the header of osteoporosis-corrected.R", versions = list(R = R.version.string, lme4 = as.character(packageVersion("lme4")), metafor = as.character(packageVersion("metafor"))))

L <- data.frame(study = factor(rep(seq_len(nrow(d)), each = 2)), sens = rep(c(1, 0), nrow(d)), spec = rep(c(0, 1), nrow(d)),
                y = as.vector(rbind(d$tp, d$tn)), n = as.vector(rbind(d$tp + d$fn, d$tn + d$fp)))
m <- glmer(cbind(y, n - y) ~ 0 + sens + spec + (0 + sens + spec | study), data = L, family = binomial,
           control = glmerControl(optimizer = "bobyqa", tolPwrss = 1e-12, optCtrl = list(maxfun = 1e5)))
vc <- VarCorr(m)$study; V <- as.matrix(vcov(m, use.hessian = TRUE))
out$glmer_laplace <- list(mu = unname(fixef(m)), se = unname(sqrt(diag(V))), tau2 = unname(diag(vc)), rho = attr(vc, "correlation")[1, 2], logLik = as.numeric(logLik(m)))

gh <- function(Q) { J <- matrix(0, Q, Q); for (i in seq_len(Q - 1)) J[i, i + 1] <- J[i + 1, i] <- sqrt(i)
  e <- eigen(J, symmetric = TRUE); o <- order(e$values); list(z = e$values[o], w = (e$vectors[1, o])^2) }
aghq_lower <- function(d, Q) {
  rule <- gh(Q); grid <- expand.grid(a = seq_len(Q), b = seq_len(Q))
  za <- rule$z[grid$a]; zb <- rule$z[grid$b]; lw <- log(rule$w[grid$a]) + log(rule$w[grid$b]) + 0.5 * (za^2 + zb^2)
  y1 <- d$tp; n1 <- d$tp + d$fn; y2 <- d$tn; n2 <- d$tn + d$fp
  lc <- sum(lchoose(n1, y1) + lchoose(n2, y2)); l1pe <- function(x) pmax(x, 0) + log1p(exp(-abs(x)))
  nll <- function(p) {  # p = (muA, muB, ln tauA, ln tauB, atanh rho)
    sA <- exp(p[3]); sB <- exp(p[4]); rho <- tanh(p[5])
    S <- matrix(c(sA^2, rho * sA * sB, rho * sA * sB, sB^2), 2); Si <- solve(S); ldS <- log(det(S)); total <- lc
    for (i in seq_along(y1)) {
      b <- c(0, 0)
      for (it in 1:200) { pr <- plogis(p[1:2] + b); W <- c(n1[i], n2[i]) * pr * (1 - pr)
        g <- c(y1[i], y2[i]) - c(n1[i], n2[i]) * pr - Si %*% b; step <- as.vector(solve(diag(W) + Si, g))
        if (max(abs(step)) > 1) step <- step / max(abs(step)); b <- b + step; if (sum(abs(step)) < 1e-12) break }
      pr <- plogis(p[1:2] + b); W <- c(n1[i], n2[i]) * pr * (1 - pr); C <- solve(diag(W) + Si)
      R11 <- sqrt(C[1, 1]); R21 <- C[1, 2] / R11; R22 <- sqrt(C[2, 2] - R21^2)
      b1 <- b[1] + R11 * za; b2 <- b[2] + R21 * za + R22 * zb; x1 <- p[1] + b1; x2 <- p[2] + b2
      h <- lw + y1[i] * x1 - n1[i] * l1pe(x1) + y2[i] * x2 - n2[i] * l1pe(x2) - 0.5 * (Si[1, 1] * b1^2 + 2 * Si[1, 2] * b1 * b2 + Si[2, 2] * b2^2)
      mx <- max(h); total <- total + log(R11 * R22) - 0.5 * ldS + mx + log(sum(exp(h - mx)))
    }
    -total
  }
  safe <- function(p) { v <- tryCatch(nll(p), error = function(e) Inf); if (is.finite(v)) v else 1e10 }
  p <- c(fixef(m), log(sqrt(diag(vc))), atanh(attr(vc, "correlation")[1, 2]))
  p <- optim(p, safe, method = "Nelder-Mead", control = list(reltol = 1e-12, maxit = 5000))$par
  p <- optim(p, safe, method = "BFGS", control = list(reltol = 1e-15, maxit = 1000))$par
  for (k in 1:4) { H <- optimHess(p, nll); g <- sapply(1:5, function(j) { e <- replace(numeric(5), j, 1e-5); (nll(p + e) - nll(p - e)) / 2e-5 }); p <- p - as.vector(solve(H, g)) }
  V <- solve(optimHess(p, nll))
  list(mu = unname(p[1:2]), se = unname(sqrt(diag(V))[1:2]), tau2 = unname(exp(2 * p[3:4])), rho = unname(tanh(p[5])), logLik = -nll(p))
}
out$aghq_q7 <- aghq_lower(d, 7)

zero <- d$tp == 0 | d$fp == 0 | d$fn == 0 | d$tn == 0
c5 <- function(x) x + 0.5 * zero
tp <- c5(d$tp); fp <- c5(d$fp); fn <- c5(d$fn); tn <- c5(d$tn)
es <- data.frame(study = rep(seq_len(nrow(d)), each = 2), arm = rep(c("sens", "spec"), nrow(d)),
                 yi = as.vector(rbind(log(tp / fn), log(tn / fp))), vi = as.vector(rbind(1 / tp + 1 / fn, 1 / tn + 1 / fp)))
r <- rma.mv(yi, vi, mods = ~ arm - 1, random = ~ arm | study, struct = "UN", data = es, method = "REML")
out$reitsma_reml_single <- list(mu = unname(coef(r)), se = unname(r$se), tau2 = unname(r$tau2), rho = unname(r$rho), logLik = as.numeric(logLik(r)))

n1 <- d$tp + d$fn; n0 <- d$tn + d$fp; ess <- 4 * n1 * n0 / (n1 + n0); lndor <- log(tp * tn / (fp * fn))
fit <- summary(lm(lndor ~ I(1 / sqrt(ess)), weights = ess))
out$deeks <- list(slope = fit$coefficients[2, 1], se = fit$coefficients[2, 2], p = fit$coefficients[2, 4])
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), file.path(here, "osteoporosis-corrected.json"))
