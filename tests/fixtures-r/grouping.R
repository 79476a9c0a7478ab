# Oracle values for several 2x2 tables per study (src/stats/glmm-grouped-likelihood.ts,
# glmm-nested.ts): lme4::glmer fits of the bivariate binomial GLMM on arm-level long data
# (one row per arm of each 2x2 table: y = TP of TP + FN, or TN of TN + FP), Laplace (nAGQ = 1),
#   independent: cbind(y, n - y) ~ 0 + sens + spec + (0 + sens + spec | table)
#   shared:      cbind(y, n - y) ~ 0 + sens + spec + (0 + sens + spec | study)
#   nested:      cbind(y, n - y) ~ 0 + sens + spec + (0 + sens + spec | study) + (0 + sens + spec | study:table)
# and the same with one categorical covariate on both arms (meta-regression:
# + sens:x_<level> + spec:x_<level> for each non-reference level; reference = first level in
# sorted order). Tight settings: bobyqa, maxfun 1e5, PIRLS tolerance 1e-12; convergence checked
# (optimizer code and lme4's convergence messages are recorded; a fit with either is flagged; "boundary
# (singular) fit" reports a variance at its boundary and is kept as `singular`). SEs: `se` from
# vcov(use.hessian = TRUE) (the tests use these); `se_rx` from the RX approximation, for which lme4
# warns that it differs from the Hessian-based one by > 1e-4 (the run's 44 warnings are all this one).
#
# Independent check of the quadrature for Q > 1 (never values computed by metadx): at glmer's
# estimates, the marginal log-likelihood of the shared and nested models computed by an own
# product Gauss–Legendre rule on a box of +-9 standard deviations around the (conditional) modes
# (shared: 2-D per study; nested: per study a 2-D outer rule over the study effect of the product
# over tables of 2-D inner rules over the table effect), with two grid sizes to show convergence.
#
# Data: the flagship's own data file (analyses/osteoporosis-dl/data/models.csv, group = study) and
# the reference datasets with repeated studies (scheidler: author_year, catheter: author_year,
# smoking: study_id). The tables used are written into the JSON, so the tests do not depend on
# later edits of the data files.
# Run from the repository root:  Rscript tests/fixtures-r/grouping.R   (about half an hour: the
# nested quadrature check is slow in R)
# Writes tests/fixtures-r/grouping.json and grouping-flagship.csv (the flagship tables it used, for
# the `metadx fit --group` test).
suppressPackageStartupMessages({ library(lme4); library(statmod) })
args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script)) dirname(normalizePath(script)) else "tests/fixtures-r"
root <- normalizePath(file.path(here, "..", ".."))
ref <- file.path(here, "..", "reference", "datasets")

datasets <- list(
  osteoporosis_dl = list(file = file.path(root, "analyses", "osteoporosis-dl", "data", "models.csv"), group = "study", covariate = "validation"),
  scheidler = list(file = file.path(ref, "scheidler.csv"), group = "author_year", covariate = "modality"),
  catheter = list(file = file.path(ref, "catheter.csv"), group = "author_year", covariate = "type"),
  smoking = list(file = file.path(ref, "smoking.csv"), group = "study_id", covariate = "type")
)

control <- glmerControl(optimizer = "bobyqa", optCtrl = list(maxfun = 1e5), tolPwrss = 1e-12,
                        check.nobs.vs.nRE = "ignore", check.nlev.gtr.1 = "ignore")

long_data <- function(d, group, covariate) {
  k <- nrow(d)
  levels <- sort(unique(as.character(d[[covariate]])))
  out <- data.frame(
    table = factor(rep(seq_len(k), each = 2)),
    study = factor(rep(as.character(d[[group]]), each = 2)),
    sens = rep(c(1, 0), k), spec = rep(c(0, 1), k),
    y = as.vector(rbind(d$tp, d$tn)), n = as.vector(rbind(d$tp + d$fn, d$tn + d$fp))
  )
  x <- rep(as.character(d[[covariate]]), each = 2)
  for (level in levels[-1]) out[[paste0("x_", make.names(level))]] <- as.numeric(x == level)
  list(data = out, levels = levels)
}

components <- function(fit, name) {
  vc <- VarCorr(fit)[[name]]
  S <- matrix(as.numeric(vc), 2)
  list(tau2_sens = S[1, 1], tau2_spec = S[2, 2], cov = S[1, 2],
       rho = if (S[1, 1] > 0 && S[2, 2] > 0) S[1, 2] / sqrt(S[1, 1] * S[2, 2]) else NULL)
}

fit_one <- function(long, structure, covariates) {
  fixed <- "0 + sens + spec"
  for (x in covariates) fixed <- paste0(fixed, " + sens:", x, " + spec:", x)
  random <- switch(structure,
    independent = "(0 + sens + spec | table)",
    shared = "(0 + sens + spec | study)",
    nested = "(0 + sens + spec | study) + (0 + sens + spec | study:table)")
  formula <- as.formula(paste("cbind(y, n - y) ~", fixed, "+", random))
  warnings <- character(0)
  fit <- withCallingHandlers(
    glmer(formula, data = long, family = binomial, nAGQ = 1, control = control),
    warning = function(w) { warnings <<- c(warnings, conditionMessage(w)); invokeRestart("muffleWarning") })
  messages <- c(fit@optinfo$conv$lme4$messages, warnings)
  # "boundary (singular) fit" reports a variance at its boundary, not a failure to converge
  failures <- messages[!grepl("singular", messages)]
  beta <- fixef(fit)
  V <- as.matrix(vcov(fit, use.hessian = TRUE))
  Vrx <- as.matrix(vcov(fit, use.hessian = FALSE))
  out <- list(
    formula = paste(deparse(formula), collapse = ""),
    converged = fit@optinfo$conv$opt == 0 && length(failures) == 0,
    optimizer_code = fit@optinfo$conv$opt,
    messages = as.list(messages),
    singular = isSingular(fit, tol = 1e-6),
    logLik = as.numeric(logLik(fit)),
    n_params = attr(logLik(fit), "df"),
    fixef = as.list(beta),
    fixef_names = names(beta),
    se = as.list(sqrt(diag(V))),
    vcov = unname(V),
    se_rx = as.list(sqrt(diag(Vrx))),
    study = if (structure == "independent") components(fit, "table") else components(fit, "study")
  )
  if (structure == "nested") out$table <- components(fit, "study:table")
  out
}

# G x G product Gauss–Legendre rule on [-9, 9]^2: nodes z (2 x G^2) and log weights
box_rule <- function(G) {
  r <- gauss.quad(G, "legendre")
  s <- 9 * r$nodes; w <- 9 * r$weights
  grid <- expand.grid(a = seq_len(G), b = seq_len(G))
  list(nodes = r$nodes, weights = r$weights, z = rbind(s[grid$a], s[grid$b]), logw = log(w[grid$a] * w[grid$b]))
}

# ---- independent quadrature: product Gauss–Legendre on +-9 SD boxes around modes ----
expit <- function(x) 1 / (1 + exp(-x))
log1pexp <- function(x) ifelse(x > 0, x + log1p(exp(-x)), log1p(exp(x)))
# log of the binomial kernel without constants, for matrices of linear predictors
kernel <- function(y, n, xi) y * xi - n * log1pexp(xi)

# mode of sum_t kernel(eta_t + L v) - |v|^2/2 over v (2-D), and the curvature; eta: 2 x m
mode2 <- function(y1, n1, y2, n2, eta1, eta2, L) {
  objective <- function(v) sum(kernel(y1, n1, eta1 + L[1, 1] * v[1])) + sum(kernel(y2, n2, eta2 + L[2, 1] * v[1] + L[2, 2] * v[2])) - 0.5 * sum(v^2)
  v <- c(0, 0)
  for (it in 1:500) {
    x1 <- eta1 + L[1, 1] * v[1]; x2 <- eta2 + L[2, 1] * v[1] + L[2, 2] * v[2]
    p1 <- expit(x1); p2 <- expit(x2)
    d <- c(sum(y1 - n1 * p1), sum(y2 - n2 * p2)); W <- c(sum(n1 * p1 * (1 - p1)), sum(n2 * p2 * (1 - p2)))
    g <- t(L) %*% d - v
    H <- diag(2) + t(L) %*% diag(W) %*% L
    step <- as.vector(solve(H, g))
    # damped Newton: halve the step until the (concave) objective does not decrease
    current <- objective(v)
    for (halving in 1:60) { if (objective(v + step) >= current) break; step <- step / 2 }
    v <- v + step
    if (max(abs(step)) < 1e-12) break
  }
  x1 <- eta1 + L[1, 1] * v[1]; x2 <- eta2 + L[2, 1] * v[1] + L[2, 2] * v[2]
  p1 <- expit(x1); p2 <- expit(x2)
  W <- c(sum(n1 * p1 * (1 - p1)), sum(n2 * p2 * (1 - p2)))
  list(v = v, H = diag(2) + t(L) %*% diag(W) %*% L)
}

# log of the integral over v ~ N2(0, I) of exp(sum_t kernel(eta_t + L v)), by a G x G
# Gauss–Legendre rule on the box mode +- 9 SD (the SD from the curvature at the mode)
log_integral2 <- function(y1, n1, y2, n2, eta1, eta2, L, rule) {
  m <- mode2(y1, n1, y2, n2, eta1, eta2, L)
  C <- t(chol(solve(m$H)))
  v <- m$v + C %*% rule$z
  x1 <- outer(eta1, L[1, 1] * v[1, ], "+")
  x2 <- outer(eta2, L[2, 1] * v[1, ] + L[2, 2] * v[2, ], "+")
  h <- colSums(kernel(y1, n1, x1)) + colSums(kernel(y2, n2, x2)) - 0.5 * colSums(v^2) - log(2 * pi) +
    rule$logw + log(det(C))
  top <- max(h)
  top + log(sum(exp(h - top)))
}

# lower Cholesky factor of a 2x2 covariance that may be singular (a zero variance, |rho| = 1)
lower_factor <- function(S) {
  L11 <- sqrt(max(S[1, 1], 0)); L21 <- if (L11 > 0) S[1, 2] / L11 else 0
  matrix(c(L11, L21, 0, sqrt(max(S[2, 2] - L21^2, 0))), 2)
}

lchoose_sum <- function(d) sum(lchoose(d$tp + d$fn, d$tp) + lchoose(d$tn + d$fp, d$tn))

quadrature_shared <- function(d, groups, beta, S, rule) {
  L <- lower_factor(S)
  total <- lchoose_sum(d)
  for (g in unique(groups)) {
    r <- d[groups == g, ]
    total <- total + log_integral2(r$tp, r$tp + r$fn, r$tn, r$tn + r$fp, rep(beta[1], nrow(r)), rep(beta[2], nrow(r)), L, rule)
  }
  total
}

quadrature_nested <- function(d, groups, beta, S_study, S_table, outer_rule, inner_rule) {
  LS <- lower_factor(S_study); LT <- lower_factor(S_table)
  total <- lchoose_sum(d)
  for (g in unique(groups)) {
    r <- d[groups == g, ]
    m <- nrow(r)
    # F(u) = -|u|^2/2 - log(2 pi) + sum_t log I_t(u); box around the mode of F found by optim
    F <- function(u) {
      shift <- as.vector(LS %*% u)
      value <- -0.5 * sum(u^2) - log(2 * pi)
      for (t in seq_len(m)) value <- value + log_integral2(r$tp[t], r$tp[t] + r$fn[t], r$tn[t], r$tn[t] + r$fp[t], beta[1] + shift[1], beta[2] + shift[2], LT, inner_rule)
      value
    }
    opt <- optim(c(0, 0), function(u) -F(u), method = "BFGS", control = list(reltol = 1e-14))
    H <- optimHess(opt$par, function(u) -F(u))
    C <- t(chol(solve(H)))
    h <- vapply(seq_len(ncol(outer_rule$z)), function(j) F(opt$par + as.vector(C %*% outer_rule$z[, j])) + outer_rule$logw[j], 0)
    top <- max(h)
    total <- total + top + log(sum(exp(h - top))) + log(det(C))
  }
  total
}

matrix_of <- function(c) matrix(c(c$tau2_sens, c$cov, c$cov, c$tau2_spec), 2)

out <- list(
  generated_by = "tests/fixtures-r/grouping.R",
  R = R.version.string,
  lme4 = as.character(packageVersion("lme4")),
  settings = "glmer nAGQ = 1 (Laplace), glmerControl(optimizer = 'bobyqa', optCtrl = list(maxfun = 1e5), tolPwrss = 1e-12)",
  datasets = list()
)
for (name in names(datasets)) {
  spec <- datasets[[name]]
  d <- read.csv(spec$file, stringsAsFactors = FALSE)
  groups <- as.character(d[[spec$group]])
  built <- long_data(d, spec$group, spec$covariate)
  long <- built$data
  covariates <- grep("^x_", names(long), value = TRUE)
  entry <- list(
    file = sub(paste0(root, "/"), "", normalizePath(spec$file), fixed = TRUE),
    group_column = spec$group,
    covariate = spec$covariate,
    covariate_levels = built$levels,
    tables = lapply(seq_len(nrow(d)), function(i) list(group = groups[i], tp = d$tp[i], fp = d$fp[i], fn = d$fn[i], tn = d$tn[i], covariate = as.character(d[[spec$covariate]][i]))),
    k = nrow(d),
    studies = length(unique(groups)),
    fits = list(), meta_regression = list()
  )
  for (structure in c("independent", "shared", "nested")) {
    cat(name, structure, "\n")
    entry$fits[[structure]] <- fit_one(long, structure, character(0))
    entry$meta_regression[[structure]] <- fit_one(long, structure, covariates)
  }
  if (name == "osteoporosis_dl") {
    # leave one study (all its tables) out: shared and nested, intercept only
    entry$leave_one_study_out <- lapply(unique(groups), function(g) {
      kept <- d[groups != g, ]
      long_kept <- long_data(kept, spec$group, spec$covariate)$data
      list(study = g, shared = fit_one(long_kept, "shared", character(0))[c("converged", "logLik", "fixef", "se")],
           nested = fit_one(long_kept, "nested", character(0))[c("converged", "logLik", "fixef", "se")])
    })
  }
  # quadrature check at glmer's estimates (intercept-only shared and nested)
  shared <- entry$fits$shared; nested <- entry$fits$nested
  beta_s <- unlist(shared$fixef); beta_n <- unlist(nested$fixef)
  entry$quadrature_check <- list(
    method = "product Gauss–Legendre on +-9 SD boxes around the modes; nested: outer rule over the study effect of the product of inner rules over table effects",
    shared = list(
      at = list(beta = unname(beta_s), sigma = matrix_of(shared$study)),
      logLik_laplace_glmer = shared$logLik,
      logLik = list(G40 = quadrature_shared(d, groups, beta_s, matrix_of(shared$study), box_rule(40)),
                    G60 = quadrature_shared(d, groups, beta_s, matrix_of(shared$study), box_rule(60)))
    )
  )
  {
    entry$quadrature_check$nested <- list(
      at = list(beta = unname(beta_n), sigma_study = matrix_of(nested$study), sigma_table = matrix_of(nested$table)),
      logLik_laplace_glmer = nested$logLik,
      logLik = list(G32x40 = quadrature_nested(d, groups, beta_n, matrix_of(nested$study), matrix_of(nested$table), box_rule(32), box_rule(40)),
                    G40x48 = quadrature_nested(d, groups, beta_n, matrix_of(nested$study), matrix_of(nested$table), box_rule(40), box_rule(48)))
    )
  }
  out$datasets[[name]] <- entry
  if (name == "osteoporosis_dl") {
    write.csv(data.frame(study = d$study, model = gsub(",", " ", d$model), tp = d$tp, fp = d$fp, fn = d$fn, tn = d$tn),
              file.path(here, "grouping-flagship.csv"), row.names = FALSE, quote = FALSE)
  }
}
jsonlite::write_json(out, file.path(here, "grouping.json"), auto_unbox = TRUE, digits = I(17), pretty = TRUE, null = "null")
cat("wrote", length(out$datasets), "datasets\n")
