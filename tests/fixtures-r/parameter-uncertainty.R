# SEs and CIs of every bivariate-GLMM parameter, computed in R independently of metadx.
#   Rscript tests/fixtures-r/parameter-uncertainty.R   (writes parameter-uncertainty.json beside it)
# R 4.2.2, lme4 1.1-31.
#
# 1. "glmer_laplace": lme4::glmer Laplace fit (tight settings); Hessian of glmer's own deviance
#    function (devFunOnly = TRUE, arguments c(theta, beta)) by stats::optimHess; covariance of
#    (mu, L11, L21, L22) = 2 * solve(Hessian of deviance) ; delta method to (ln tau, atanh rho) with
#    numerical Jacobians.
# 2. "aghq_q5_upper": own adaptive Gauss-Hermite quadrature (5 points per dimension, mode/curvature
#    adaptive) with the nodes placed by the UPPER-triangular square root of the conditional covariance
#    of the random effects b = (a, b) (sensitivity first), written directly in b-space and
#    parameterised as Stata does: (muA, muB, ln tauA, ln tauB, atanh rho); optim BFGS then
#    Newton polishing; covariance = solve(optimHess).
# For both: the derived quantities (variances, rho, HSROC Lambda/Theta/beta/s2alpha/s2theta) and
# their SEs by the delta method with NUMERICAL gradients (central differences), and the CIs as
# metandi prints them (variances and s2alpha/s2theta on the log scale, rho on the atanh scale).
suppressMessages(library(lme4))
library(jsonlite)
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("--file=", "", args[grep("--file=", args)])))
ref <- file.path(here, "..", "reference", "datasets")
z <- qnorm(0.975)

derived <- function(p) {  # p = (muA, muB, lnA, lnB, atanh rho)
  sA <- exp(p[3]); sB <- exp(p[4]); rho <- tanh(p[5]); r <- sqrt(sB / sA)
  c(tau2Sens = sA^2, tau2Spec = sB^2, rho = rho,
    Lambda = r * p[1] + p[2] / r, Theta = 0.5 * (r * p[1] - p[2] / r), beta = log(sB / sA),
    sigma2Alpha = 2 * sA * sB * (1 + rho), sigma2Theta = 0.5 * sA * sB * (1 - rho))
}
numgrad <- function(f, x, h = 1e-6) sapply(seq_along(x), function(i) { e <- replace(numeric(length(x)), i, h * max(1, abs(x[i]))); (f(x + e) - f(x - e)) / (2 * e[i]) })
summarise <- function(p, V, logLik, method) {
  p <- unname(p); d <- derived(p)
  J <- t(sapply(seq_along(d), function(j) numgrad(function(q) derived(q)[j], p)))
  se <- sqrt(diag(J %*% V %*% t(J)))
  names(se) <- names(d)
  ci <- list()
  for (n in c("tau2Sens", "tau2Spec", "sigma2Alpha", "sigma2Theta")) ci[[n]] <- unname(d[n] * exp(c(-1, 1) * z * se[n] / d[n]))
  ci$rho <- tanh(p[5] + c(-1, 1) * z * sqrt(V[5, 5]))
  for (n in c("Lambda", "Theta", "beta")) ci[[n]] <- unname(d[n] + c(-1, 1) * z * se[n])
  list(method = method, logLik = logLik, theta = unname(p), theta_names = c("muSens", "muSpec", "lnTauSens", "lnTauSpec", "atanhRho"),
       theta_vcov = unname(V), se_mu = unname(sqrt(diag(V))[1:2]),
       est = as.list(d), se = as.list(se), ci = ci)
}

long_data <- function(d) data.frame(study = factor(rep(seq_len(nrow(d)), each = 2)), sens = rep(c(1, 0), nrow(d)), spec = rep(c(0, 1), nrow(d)),
                                    y = as.vector(rbind(d$tp, d$tn)), n = as.vector(rbind(d$tp + d$fn, d$tn + d$fp)))

laplace <- function(d) {
  L <- long_data(d)
  ctl <- glmerControl(optimizer = "bobyqa", tolPwrss = 1e-12, optCtrl = list(maxfun = 1e5))
  f <- cbind(y, n - y) ~ 0 + sens + spec + (0 + sens + spec | study)
  m <- glmer(f, data = L, family = binomial, control = ctl)
  dev <- glmer(f, data = L, family = binomial, control = ctl, devFunOnly = TRUE)
  x0 <- c(getME(m, "theta"), fixef(m))
  H <- optimHess(x0, dev)
  Vx <- 2 * solve(H)  # deviance = -2 logLik
  # map (L11, L21, L22, muA, muB) -> (muA, muB, lnA, lnB, atanh rho)
  toTheta <- function(x) { L11 <- x[1]; L21 <- x[2]; L22 <- x[3]; tB <- sqrt(L21^2 + L22^2)
    c(x[4], x[5], log(abs(L11)), log(tB), atanh(sign(L11) * L21 / tB)) }
  J <- t(sapply(1:5, function(j) numgrad(function(q) toTheta(q)[j], x0)))
  V <- J %*% Vx %*% t(J)
  summarise(unname(toTheta(x0)), V, as.numeric(logLik(m)), "glmer Laplace; Hessian of glmer's deviance function by optimHess")
}

# own AGHQ, b-space, upper-triangular node placement, Stata's parameterisation
gh <- function(Q) {  # probabilists' Gauss-Hermite nodes/weights (Golub-Welsch)
  J <- matrix(0, Q, Q); for (i in seq_len(Q - 1)) J[i, i + 1] <- J[i + 1, i] <- sqrt(i)
  e <- eigen(J, symmetric = TRUE); o <- order(e$values)
  list(z = e$values[o], w = (e$vectors[1, o])^2)
}
aghq_upper <- function(d, Q = 5) {
  rule <- gh(Q); grid <- expand.grid(a = seq_len(Q), b = seq_len(Q))
  za <- rule$z[grid$a]; zb <- rule$z[grid$b]; lw <- log(rule$w[grid$a]) + log(rule$w[grid$b]) + 0.5 * (za^2 + zb^2)
  y1 <- d$tp; n1 <- d$tp + d$fn; y2 <- d$tn; n2 <- d$tn + d$fp
  lc <- sum(lchoose(n1, y1) + lchoose(n2, y2))
  l1pe <- function(x) pmax(x, 0) + log1p(exp(-abs(x)))
  nll <- function(p) {
    sA <- exp(p[3]); sB <- exp(p[4]); rho <- tanh(p[5])
    S <- matrix(c(sA^2, rho * sA * sB, rho * sA * sB, sB^2), 2); Si <- solve(S); ldS <- log(det(S))
    total <- lc
    for (i in seq_along(y1)) {
      b <- c(0, 0)
      for (it in 1:100) {
        x <- p[1:2] + b; pr <- plogis(x); W <- c(n1[i], n2[i]) * pr * (1 - pr)
        g <- c(y1[i], y2[i]) - c(n1[i], n2[i]) * pr - Si %*% b
        H <- diag(W) + Si; step <- solve(H, g); b <- b + as.vector(step)
        if (sum(abs(step)) < 1e-12) break
      }
      x <- p[1:2] + b; pr <- plogis(x); W <- c(n1[i], n2[i]) * pr * (1 - pr)
      C <- solve(diag(W) + Si)
      U22 <- sqrt(C[2, 2]); U12 <- C[1, 2] / U22; U11 <- sqrt(C[1, 1] - U12^2)
      b1 <- b[1] + U11 * za + U12 * zb; b2 <- b[2] + U22 * zb
      x1 <- p[1] + b1; x2 <- p[2] + b2
      q <- Si[1, 1] * b1^2 + 2 * Si[1, 2] * b1 * b2 + Si[2, 2] * b2^2
      h <- lw + y1[i] * x1 - n1[i] * l1pe(x1) + y2[i] * x2 - n2[i] * l1pe(x2) - 0.5 * q
      mx <- max(h)
      total <- total + log(U11 * U22) - 0.5 * ldS + mx + log(sum(exp(h - mx)))
    }
    -total
  }
  p0 <- laplace(d)$theta
  safe <- function(p) { v <- tryCatch(nll(p), error = function(e) Inf); if (is.finite(v)) v else 1e10 }
  fit <- optim(p0, safe, method = "Nelder-Mead", control = list(reltol = 1e-12, maxit = 5000))
  fit <- optim(fit$par, safe, method = "BFGS", control = list(reltol = 1e-15, maxit = 1000))
  p <- fit$par
  for (k in 1:5) { H <- optimHess(p, nll); g <- numgrad(nll, p, 1e-5); p <- p - as.vector(solve(H, g)) }
  H <- optimHess(p, nll)
  summarise(p, solve(H), -nll(p), "own AGHQ, 5 points, upper-triangular node placement (b-space), Stata parameterisation; optimHess")
}

files <- c(catheter = "catheter.csv", scheidler_lag = "scheidler_lag.csv", midas_example = "midas_example.csv", auditc = "auditc.csv")
out <- list(description = "see the header of parameter-uncertainty.R", versions = list(R = R.version.string, lme4 = as.character(packageVersion("lme4"))), datasets = list())
for (name in names(files)) {
  d <- read.csv(file.path(ref, files[[name]]))
  out$datasets[[name]] <- list(glmer_laplace = laplace(d), aghq_q5_upper = aghq_upper(d))
}
schuetz <- read.csv(file.path(here, "..", "reference", "published", "schuetz_ct.csv"))
out$datasets$schuetz_ct <- list(glmer_laplace = laplace(schuetz), aghq_q5_upper = aghq_upper(schuetz))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), file.path(here, "parameter-uncertainty.json"))
