# Oracle for src/stats/natural-frequencies.ts and the summary-of-findings numbers of
# src/results/findings.ts: natural frequencies per 1,000 tested, with 95% CIs, at two prevalences per
# data set, from a bivariate binomial GLMM fitted here with lme4::glmer (Laplace, nAGQ = 1).
# Independent of metadx: the fit is lme4's; the cells follow GRADEpro (prevalence fixed, CI from the
# CI of sensitivity or specificity); the totals (test positive) and predictive values use the delta
# method with the gradient taken NUMERICALLY here (central differences), not from the closed form.
# Also the default prevalences of metadx (min, median, max of the tables' prevalences, R median()).
# Run from the repository root:  Rscript tests/fixtures-r/natural-frequencies.R
# Writes tests/fixtures-r/natural-frequencies.json.
suppressPackageStartupMessages(library(lme4))
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))

fit_glmm <- function(d) {
  long <- rbind(
    data.frame(study = d$study, true = d$tp, n = d$tp + d$fn, sens = 1, spec = 0),
    data.frame(study = d$study, true = d$tn, n = d$tn + d$fp, sens = 0, spec = 1))
  glmer(cbind(true, n - true) ~ 0 + sens + spec + (0 + sens + spec | study), data = long, family = binomial,
        nAGQ = 1, control = glmerControl(optimizer = "bobyqa", tolPwrss = 1e-12, optCtrl = list(maxfun = 1e5)))
}

expit <- function(x) 1 / (1 + exp(-x))
logit <- function(p) log(p / (1 - p))

numgrad <- function(f, x, h = 1e-6) sapply(seq_along(x), function(i) {
  e <- replace(numeric(length(x)), i, h)
  (f(x + e) - f(x - e)) / (2 * h)
})

delta_ci <- function(f, mu, V, z) {
  g <- numgrad(f, mu)
  se <- sqrt(as.numeric(t(g) %*% V %*% g))
  c(est = f(mu), lo = f(mu) - z * se, hi = f(mu) + z * se)
}

natural <- function(mu, V, p, N = 1000, level = 0.95) {
  z <- qnorm(1 - (1 - level) / 2)
  se_ci <- expit(mu[1] + c(0, -1, 1) * z * sqrt(V[1, 1]))
  sp_ci <- expit(mu[2] + c(0, -1, 1) * z * sqrt(V[2, 2]))
  cell <- function(x) list(est = x[1], lo = x[2], hi = x[3])
  # share testing positive, on the logit scale
  lq <- delta_ci(function(m) logit(p * expit(m[1]) + (1 - p) * (1 - expit(m[2]))), mu, V, z)
  lrp <- delta_ci(function(m) log(expit(m[1])) - log(1 - expit(m[2])), mu, V, z)
  lrn <- delta_ci(function(m) log(1 - expit(m[1])) - log(expit(m[2])), mu, V, z)
  post <- function(l) expit(logit(p) + l)
  list(
    prevalence = p, per = N,
    true_positives = cell(N * p * se_ci),
    false_negatives = cell(N * p * (1 - se_ci[c(1, 3, 2)])),
    true_negatives = cell(N * (1 - p) * sp_ci),
    false_positives = cell(N * (1 - p) * (1 - sp_ci[c(1, 3, 2)])),
    test_positive = cell(N * expit(lq)),
    test_negative = cell(N - N * expit(lq[c(1, 3, 2)])),
    ppv = cell(post(lrp)),
    npv = cell(1 - post(lrn[c(1, 3, 2)]))
  )
}

out <- list(generated_by = "tests/fixtures-r/natural-frequencies.R",
            versions = list(R = R.version.string, lme4 = as.character(packageVersion("lme4"))),
            datasets = list())
cases <- list(osteoporosis_dl_standin = c(0.126, 0.40), scheidler_lag = c(0.05, 0.30))
for (name in names(cases)) {
  d <- read.csv(file.path(here, "..", "reference", "datasets", paste0(name, ".csv")), stringsAsFactors = FALSE)
  fit <- fit_glmm(d)
  mu <- unname(fixef(fit))
  V <- unname(as.matrix(vcov(fit)))
  prev <- (d$tp + d$fn) / (d$tp + d$fp + d$fn + d$tn)
  out$datasets[[name]] <- list(
    k = nrow(d),
    mu = mu,
    vcov = V,
    default_prevalences = list(min = min(prev), median = median(prev), max = max(prev)),
    at = lapply(cases[[name]], function(p) natural(mu, V, p))
  )
}
jsonlite::write_json(out, file.path(here, "natural-frequencies.json"), auto_unbox = TRUE, digits = NA, pretty = TRUE)
