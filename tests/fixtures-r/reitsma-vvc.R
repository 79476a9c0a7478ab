# Oracle values for the variance-component covariance `psiVcov` of src/stats/reitsma.ts: an
# independent base-R implementation of the restricted likelihood of the bivariate normal model
# (Reitsma et al. 2005, doi:10.1016/j.jclinepi.2005.02.022; REML as in metafor rma.mv), maximised
# with optim() over the Cholesky factor of Psi, then the numerical Hessian (optimHess) in
# psi = (tau2_sens, cov, tau2_spec) and its inverse — the quantity metafor reports as `vvc`.
# Never values computed by metadx. Data: mada's default correction (0.5 to all cells of all studies
# if any cell is 0). Datasets with rho at +-1 (telomerase) are skipped (boundary).
# Run from the repository root:  Rscript tests/fixtures-r/reitsma-vvc.R
# Writes tests/fixtures-r/reitsma-vvc.json.
args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script)) dirname(normalizePath(script)) else "tests/fixtures-r"
ref <- file.path(here, "..", "reference")

reml <- function(psi, y, S) {
  Psi <- matrix(c(psi[1], psi[2], psi[2], psi[3]), 2)
  if (min(eigen(Psi, symmetric = TRUE)$values) < -1e-12) return(-1e10)
  k <- nrow(y); A <- matrix(0, 2, 2); b <- c(0, 0); ld <- 0; W <- vector("list", k)
  for (i in 1:k) {
    V <- diag(S[i, ]) + Psi; W[[i]] <- solve(V); ld <- ld + log(det(V))
    A <- A + W[[i]]; b <- b + W[[i]] %*% y[i, ]
  }
  beta <- solve(A, b); rss <- 0
  for (i in 1:k) { r <- y[i, ] - beta; rss <- rss + t(r) %*% W[[i]] %*% r }
  as.numeric(-0.5 * ((2 * k - 2) * log(2 * pi) + ld + log(det(A)) + rss) + 0.5 * log(det(diag(k, 2))))
}

out <- list(generated_by = "tests/fixtures-r/reitsma-vvc.R", R = R.version.string, datasets = list())
for (f in sort(list.files(file.path(ref, "datasets"), pattern = "\\.csv$", full.names = TRUE))) {
  name <- sub("\\.csv$", "", basename(f))
  if (name == "telomerase") next
  d <- read.csv(f, stringsAsFactors = FALSE)
  cc <- if (any(d[, c("tp", "fp", "fn", "tn")] == 0)) 0.5 else 0
  tp <- d$tp + cc; fp <- d$fp + cc; fn <- d$fn + cc; tn <- d$tn + cc
  y <- cbind(log(tp / fn), log(tn / fp)); S <- cbind(1 / tp + 1 / fn, 1 / tn + 1 / fp)
  fromL <- function(l) c(l[1]^2, l[1] * l[2], l[2]^2 + l[3]^2)
  opt <- optim(c(0.7, 0, 0.7), function(l) -reml(fromL(l), y, S), method = "BFGS",
               control = list(reltol = 1e-15, maxit = 5000))
  opt <- optim(opt$par, function(l) -reml(fromL(l), y, S), method = "Nelder-Mead",
               control = list(reltol = 1e-16, maxit = 20000))
  psi <- fromL(opt$par)
  H <- optimHess(psi, function(p) reml(p, y, S), control = list(ndeps = rep(1e-4, 3)))
  out$datasets[[name]] <- list(psi = psi, logLik = -opt$value, vvc = solve(-H))
}
jsonlite::write_json(out, file.path(here, "reitsma-vvc.json"), auto_unbox = TRUE, digits = I(17), pretty = TRUE)
cat("wrote", length(out$datasets), "datasets\n")
